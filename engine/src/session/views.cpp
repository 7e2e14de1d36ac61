// What the session keeps and writes for the views beyond its telemetry
// rings: the data map (per-item training dynamics, observed after every step
// from the loss's outcome rows and published on request), and at each epoch's
// end the run log's "confusion" and "datamap" records and the datamap.csv
// table. All of it runs on the worker thread, between steps.
#include <algorithm>

#include "gradscope/confusion.h"
#include "gradscope/data_map_accumulator.h"
#include "gradscope/run_log.h"
#include "gradscope/session.h"
#include "gradscope/trainer.h"

namespace gs {

void Session::setup_data_map() {
    Dataset& train = m_trainer->train_data();
    if (!m_opt.data_map || !m_trainer->model().has_item_outcomes() ||
        train.size() > m_opt.data_map_max_items)
        return;
    m_data_map = std::make_unique<DataMapAccumulator>(train.size(), train.num_classes());
    m_trainer->set_item_outcomes(true);
}

void Session::reset_data_map() {
    if (!m_data_map) return;
    m_data_map->clear();
    m_data_map_csv_at = {};
    std::lock_guard<std::mutex> lock(m_snap_mutex);
    m_data_map_out.reset();
}

void Session::observe_data_map() {
    const float* rows = m_trainer->last_item_outcomes();
    const std::vector<uint32_t>& items = m_trainer->last_batch();
    if (rows) m_data_map->observe(items.data(), rows, static_cast<int>(items.size()));
}

void Session::publish_data_map() {
    if (!m_data_map) return;
    std::shared_ptr<const DataMap> map =
        m_data_map->publish(m_trainer->global_step(), m_trainer->epoch(), m_opt.data_map_thresholds);
    std::lock_guard<std::mutex> lock(m_snap_mutex);
    m_data_map_out = std::move(map);
}

CommandResult Session::request_data_map() {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (!m_data_map)
        return refuse("this session keeps no data map (it needs a classification loss, softmax or "
                      "binary cross-entropy, and SessionOptions::data_map on)");
    if (m_state == SessionState::Failed) return refuse("the session failed — reset it first");
    return enqueue(Command(Command::DataMap));
}

std::shared_ptr<const DataMap> Session::latest_data_map() const {
    std::lock_guard<std::mutex> lock(m_snap_mutex);
    return m_data_map_out;
}

void Session::log_epoch_views(bool last_epoch) {
    if (!m_log) return;
    Trainer& t = *m_trainer;
    const int epoch = t.epoch();
    // The confusion matrix end_epoch has just computed on the validation split.
    if (m_confusion.confusion_step == t.global_step() && m_confusion.classes >= 2) {
        const bool validation = t.validation_data() && t.validation_data()->size();
        Dataset* split = validation ? t.validation_data() : t.test_data();
        m_log->write(confusion_from_snapshot(m_confusion, epoch, validation ? "validation" : "test",
                                             split ? split->class_names() : std::vector<std::string>{}));
    }
    if (!m_data_map) return;
    const std::shared_ptr<DataMap> map =
        m_data_map->publish(t.global_step(), epoch, m_opt.data_map_thresholds);
    DataMapSummary summary = summarize_data_map(*map);
    const auto now = std::chrono::steady_clock::now();
    const double every = m_opt.data_map_csv_seconds;
    const bool csv = every >= 0 && (last_epoch || m_data_map_csv_at == std::chrono::steady_clock::time_point{} ||
                                    now - m_data_map_csv_at >= std::chrono::duration<double>(every));
    if (csv) {
        try {
            summary.csv = m_log->write_data_map_csv(*map);
            m_data_map_csv_at = now;
        } catch (const std::exception& e) {
            // A table that cannot be written is reported; training goes on.
            EventRecord ev{t.global_step(), "error", "datamap", 0, e.what()};
            publish(ev);
            m_log->write(ev);
        }
    }
    m_log->write(summary);
}

}  // namespace gs
