// Session's time travel: restore points taken after steps, past steps
// rebuilt on the replayer (restore the newest point before, replay the steps
// and the journal's changes in order), rewinds, checkpoints of past steps,
// and forks (the parent hands a state over, the fork applies its changes).
// Commands come from any thread; everything else runs on the worker.
#include <algorithm>
#include <cmath>

#include "gradscope/error.h"
#include "gradscope/io.h"
#include "gradscope/model.h"
#include "gradscope/optim.h"
#include "gradscope/run_log.h"
#include "gradscope/session.h"
#include "gradscope/trainer.h"
#include "session/inspection.h"
#include "session/step_trace.h"
#include "session/time_travel.h"
#include "session/worker.h"

namespace gs {

namespace {

std::string range_text(long first, long last) {
    return "steps " + std::to_string(first) + " to " + std::to_string(last);
}

}  // namespace

// ------------------------------------------------------------- commands ----

void Session::check_reachable(long step) const {
    const long first = first_step(), last = steps_done();
    if (step >= first && step <= last) return;
    std::string why = "step " + std::to_string(step) + " is not in this run, which has " +
                      range_text(first, last);
    if (step < first && m_info.is_fork())
        why += " — it was forked at step " + std::to_string(first) + " from '" + m_info.parent_name +
               "', which has it";
    throw Error(why);
}

CommandResult Session::show_step(long step, const SnapshotRequest& request) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_state == SessionState::Failed) return refuse("the session failed — reset it first");
    if (request.grid < 0 || request.grid > 512)
        return refuse("a decision grid of " + std::to_string(request.grid) + " is out of range [0, 512]");
    try {
        check_reachable(step);
    } catch (const Error& e) {
        return refuse(std::string("cannot show it: ") + e.what());
    }
    Command c(Command::ShowStep);
    c.n = step;
    c.snapshot = request;
    c.serial = m_show_serial.fetch_add(1, std::memory_order_relaxed) + 1;
    return enqueue(std::move(c));
}

std::shared_ptr<const PastStep> Session::latest_past_step() const {
    std::lock_guard<std::mutex> lock(m_past_mutex);
    return m_past;
}

CommandResult Session::rewind(long step) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_state == SessionState::Failed) return refuse("the session failed — reset it first");
    try {
        check_reachable(step);
    } catch (const Error& e) {
        return refuse(std::string("cannot rewind: ") + e.what());
    }
    Command c(Command::Rewind);
    c.n = step;
    return enqueue(std::move(c));
}

CommandResult Session::save_checkpoint(const std::string& path, long step) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_state == SessionState::Failed) return refuse("the session failed — reset it first");
    if (m_state == SessionState::Running && step == steps_done())
        return refuse("cannot save the live step while running — pause first, or give a past step");
    try {
        check_reachable(step);
    } catch (const Error& e) {
        return refuse(std::string("cannot save it: ") + e.what());
    }
    Command c(Command::SaveStep);
    c.n = step;
    c.name = path;
    return enqueue(std::move(c));
}

RunInfo Session::info() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_info;
}

void Session::set_name(const std::string& name) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_info.name = name;
}

RestorePointInfo Session::restore_points() const {
    std::lock_guard<std::mutex> lock(m_past_mutex);
    return m_point_info;
}

std::unique_ptr<Session> Session::fork(long step, const ForkSpec& ch, SessionOptions o,
                                       CommandResult* why) {
    auto no = [&](const std::string& reason) -> std::unique_ptr<Session> {
        std::lock_guard<std::mutex> lock(m_mutex);
        CommandResult r = refuse("cannot fork: " + reason);
        if (why) *why = r;
        return nullptr;
    };
    if (state() == SessionState::Failed) return no("the session failed — reset it first");
    try {
        std::lock_guard<std::mutex> lock(m_mutex);
        check_reachable(step);
    } catch (const Error& e) {
        return no(e.what());
    }
    if (ch.lr && !(*ch.lr > 0 && std::isfinite(*ch.lr))) return no("invalid lr " + std::to_string(*ch.lr));
    if (ch.weight_decay && !(*ch.weight_decay >= 0 && std::isfinite(*ch.weight_decay)))
        return no("invalid weight_decay " + std::to_string(*ch.weight_decay));
    if (ch.batch_size && (*ch.batch_size < 1 || *ch.batch_size > kMaxBatch))
        return no("batch size " + std::to_string(*ch.batch_size) + " is out of range [1, " +
                  std::to_string(kMaxBatch) + "]");
    if (ch.optimizer) {
        if (std::string p = optimizer_type_problem(ch.optimizer->type); !p.empty()) return no(p);
        if (!(ch.optimizer->lr > 0) || !std::isfinite(ch.optimizer->lr))
            return no("invalid lr " + std::to_string(ch.optimizer->lr));
    }
    if (ch.schedule && !find_schedule(ch.schedule->type))
        return no("unknown schedule '" + ch.schedule->type + "'; use " + name_list(schedule_table()));
    // The model's spec never changes after construction: safe to read here.
    ModelSpec spec = m_trainer->spec();
    PreparedData data = m_data;
    if (ch.noise) {
        if (!(*ch.noise >= 0 && std::isfinite(*ch.noise))) return no("invalid noise " + std::to_string(*ch.noise));
        const auto names = builtin_dataset_names();
        if (std::find(names.begin(), names.end(), spec.data.name) == names.end())
            return no("noise changes only a built-in data set, and '" + spec.data.name + "' is not one");
        spec.data.noise = *ch.noise;
        try {
            data = prepare_data(spec);  // the same seed, the new noise
        } catch (const std::exception& e) {
            return no(e.what());
        }
    }
    const RunInfo parent = info();
    RunInfo& r = o.run;
    if (r.name.empty()) r.name = parent.name + (ch.summary().empty() ? " fork" : " " + ch.summary());
    r.uid = new_run_uid();
    r.parent = parent.id;
    r.parent_uid = parent.uid;
    r.parent_name = parent.name;
    r.fork_step = step;
    r.changes.clear();
    o.resume_from.clear();
    auto h = std::make_shared<ForkHandoff>();
    h->step = step;
    h->changes = ch;
    h->parent_noise = m_trainer->spec().data.noise;
    std::unique_ptr<Session> child;
    try {
        child.reset(new Session(spec, std::move(data), m_trainer->model().backend(), std::move(o), m_core, h));
    } catch (const std::exception& e) {
        return no(e.what());
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        Command c(Command::ForkInto);
        c.n = step;
        c.handoff = h;
        enqueue(std::move(c));
    }
    if (why) *why = {};
    return child;
}

// --------------------------------------------------------------- worker ----

RunCounters Session::counters() const {
    return RunCounters{m_epoch_loss, m_epoch_correct, m_epoch_items, m_epoch_regression,
                       m_best_val,   m_bad_epochs};
}

void Session::set_counters(const RunCounters& c) {
    m_epoch_loss = c.epoch_loss;
    m_epoch_correct = c.epoch_correct;
    m_epoch_items = c.epoch_items;
    m_epoch_regression = c.epoch_regression;
    m_best_val = c.best_val;
    m_bad_epochs = c.bad_epochs;
}

void Session::start_time_travel() {
    m_tt = std::make_unique<TimeTravel>();
    const long planned = static_cast<long>(m_trainer->steps_per_epoch()) * std::max(1, m_epochs);
    m_tt->points.configure(m_opt.restore_budget, max_state_floats(*m_trainer), planned,
                           m_opt.restore_spacing, m_opt.restore_cost_budget);
    if (!m_handoff) take_base_point();  // a fork's comes with its state (adopt)
}

void Session::take_base_point() {
    m_tt->points.take(*m_trainer, m_tt->layout, counters(), m_opt.break_on_nonfinite, true, 0);
    update_point_info();
}

void Session::update_point_info() {
    const RestorePoints& p = m_tt->points;
    RestorePointInfo i;
    i.points = p.size();
    i.capacity = p.capacity();
    i.bytes = p.memory_bytes();
    i.budget = p.budget();
    i.spacing = p.enabled() ? p.spacing() : 0;
    i.first_step = first_step();
    i.oldest_step = p.oldest();
    i.newest_step = p.newest();
    std::lock_guard<std::mutex> lock(m_past_mutex);
    m_point_info = i;
}

double Session::after_step() {
    RestorePoints& p = m_tt->points;
    if (!p.due(m_trainer->global_step())) return -1;
    const auto t0 = std::chrono::steady_clock::now();
    p.take(*m_trainer, m_tt->layout, counters(), m_opt.break_on_nonfinite, false, m_step_ms_avg);
    // The read-out for views, now and then (it takes a lock).
    if (p.size() < 64 || p.newest() % (64 * p.spacing()) == 0) update_point_info();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void Session::note_settings(const Command& c) {
    const long step = m_trainer->global_step();
    switch (c.kind) {
        case Command::Hyper:
            if (c.hyper == Hyperparameter::StepsPerSecond) return;  // pacing is not training
            [[fallthrough]];
        case Command::Schedule:
        case Command::Optimizer:
            m_tt->points.note_settings(step, settings_of(*m_trainer), c.kind == Command::Optimizer);
            return;
        case Command::SetParameter:  // a weight set by hand: replays set it too
            m_tt->points.note_parameter(step, c.edit);
            return;
        case Command::Breakpoint:
            if (c.breakpoint == BreakpointKind::Nonfinite)
                m_tt->points.note_check_finite(step, m_opt.break_on_nonfinite);
            return;
        default: return;
    }
}

void Session::note_skip() { m_tt->points.note_skip(m_trainer->global_step()); }

void Session::reset_time_travel(EventRecord& e) {
    TimeTravel& tt = *m_tt;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_history.emplace_back(m_run.load(std::memory_order_relaxed), -1);
    }
    tt.points.clear();
    tt.replay_valid = false;
    if (tt.has_origin) {  // a fork starts over from its fork step
        restore_state(*m_trainer, tt.origin);
        set_counters(tt.origin_counters);
        m_steps_done = tt.origin.progress.step;
        note_progress();  // the epoch shown follows
        m_next_stats_step = m_next_check_step = m_steps_done + 1;
        e = {m_steps_done, "reset", "", 0,
             "back to step " + std::to_string(m_steps_done) + ", where this run was forked"};
    } else {
        m_first_step = 0;
    }
    take_base_point();
}

Trainer& Session::reach(long target, bool stepped) {
    TimeTravel& tt = *m_tt;
    if (!tt.replay) {
        tt.replay = std::make_unique<Trainer>(m_trainer->spec(), m_data, m_trainer->model().backend());
        tt.replay_valid = false;
    }
    Trainer& r = *tt.replay;
    const long first = first_step();
    if (target == first) stepped = false;  // no step of this run leads there
    const RestorePoints::Point* p = tt.points.at_or_before(stepped ? target - 1 : target);
    if (!p) throw Error("no restore point at or before step " + std::to_string(target));
    const long at = tt.replay_valid ? r.global_step() : -1;
    // Go on from where the replayer is when it is between the point and the
    // target (scrubbing forward), or already there as asked.
    const bool go_on = tt.replay_valid && at >= p->step &&
                       (at < target || (at == target && (!stepped || tt.replay_stepped)));
    if (!go_on) {
        tt.replay_valid = false;  // until the restore below is whole
        restore_state(r, tt.replay_layout, p->progress, p->settings, p->values, p->count);
        r.set_check_finite(p->check_finite);
        r.set_check_gradients(false);
        tt.replay_journal = p->journal_at;
        tt.replay_counters = p->counters;
        tt.replay_stepped = false;
        tt.replay_valid = true;
    }
    const std::vector<JournalEntry>& journal = tt.points.journal();
    RunCounters& sums = tt.replay_counters;
    while (r.global_step() < target) {
        const long s = r.global_step();
        // The changes the run made after step s, in the order it made them.
        bool skip = false;
        while (!skip && tt.replay_journal < journal.size() && journal[tt.replay_journal].step <= s) {
            const JournalEntry& e = journal[tt.replay_journal++];
            if (e.step < s) continue;
            switch (e.kind) {
                case JournalEntry::Settings:
                    if (e.optimizer_switch) r.optimizer().set_spec(e.settings.optimizer);
                    apply_settings(r, e.settings);
                    break;
                case JournalEntry::CheckFinite: r.set_check_finite(e.on); break;
                case JournalEntry::Skip: skip = true; break;
                case JournalEntry::Parameter: set_parameter_value(r, e.edit); break;
            }
        }
        // A batch the run used without an update (a non-finite value) is
        // used the same way; the gradients are checked as they were then.
        r.set_check_gradients(skip);
        const StepResult res = r.step();
        r.set_check_gradients(false);
        if (res.nonfinite) continue;
        sums.epoch_loss += res.loss * res.batch;
        if (res.accuracy >= 0) sums.epoch_correct += res.accuracy * res.batch;
        else sums.epoch_regression = true;
        sums.epoch_items += static_cast<size_t>(res.batch);
        if (r.epoch() != res.epoch) {  // as end_epoch() starts the next epoch's sums
            sums.epoch_loss = sums.epoch_correct = 0;
            sums.epoch_items = 0;
            sums.epoch_regression = false;
        }
        tt.replay_last = res;
        tt.replay_stepped = true;
    }
    return r;
}

void Session::apply_time_travel(const Command& c) {
    // A step that is no longer there (a rewind came first) or a file that
    // cannot be written is reported; the run goes on as it was.
    try {
        switch (c.kind) {
            case Command::ShowStep: show_past(c); break;
            case Command::Rewind: rewind_to(c.n); break;
            case Command::ForkInto: hand_over(c); break;
            case Command::SaveStep: save_step(c); break;
            default: break;
        }
    } catch (const std::exception& e) {
        publish(EventRecord{steps_done(), "error", c.kind == Command::SaveStep ? c.name : "", 0, e.what()});
    }
}

void Session::show_past(const Command& c) {
    if (c.serial != m_show_serial.load(std::memory_order_relaxed)) return;  // a newer one is queued
    check_reachable(c.n);
    auto past = std::make_shared<PastStep>();
    past->step = c.n;
    past->run_id = m_info.id;
    Trainer& r = reach(c.n, true);
    past->record.step = c.n;
    past->record.epoch = r.epoch();
    past->record.loss = NAN;
    past->record.run = m_run.load(std::memory_order_relaxed);
    past->record.run_id = m_info.id;
    TimeTravel& tt = *m_tt;
    if (tt.replay_stepped && r.global_step() == c.n) {
        const StepResult& s = tt.replay_last;
        past->record.epoch = s.epoch;
        past->record.loss = static_cast<float>(s.loss);
        past->record.accuracy = static_cast<float>(s.accuracy);
        past->record.lr = s.lr;
        // Statistics first: the snapshot's passes overwrite the activations.
        Model& m = r.model();
        for (size_t i = 0; i < m.layers_run(); ++i) {
            LayerStats st = layer_statistics(m, i, c.n, s.lr);
            st.run = past->record.run;
            st.run_id = m_info.id;
            past->layers.push_back(st);
        }
    }
    Snapshot confusion;  // none cached for a past step: a fresh pass when asked
    past->snapshot = std::move(*make_snapshot(r, confusion, c.snapshot));
    tt.replay_stepped = false;  // the snapshot's passes replaced that step's activations
    std::lock_guard<std::mutex> lock(m_past_mutex);
    m_past = std::move(past);
}

void Session::rewind_to(long step) {
    check_reachable(step);
    TimeTravel& tt = *m_tt;
    const bool map_cleared = m_data_map && step != m_trainer->global_step();
    // At the live step there is nothing to undo (the settings stay as they are now).
    if (step != m_trainer->global_step()) {
        Trainer& r = reach(step, false);
        TrainingState s;
        capture_state(r, s);
        restore_state(*m_trainer, tt.layout, s.progress, s.settings, s.values.data(), s.values.size());
        set_counters(tt.replay_counters);
        tt.points.rewind(step);
        // What the data map saw of the steps now gone cannot be taken out of
        // its running sums: it starts again from here.
        reset_data_map();
    }
    if (tt.replay_valid && tt.replay->global_step() > step) tt.replay_valid = false;  // a future now gone
    m_steps_done = step;
    note_progress();  // the epoch shown follows
    m_next_stats_step = m_next_check_step = step + 1;
    if (m_confusion.confusion_step > step) m_confusion = Snapshot{};
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        const uint32_t run = m_run.fetch_add(1, std::memory_order_release) + 1;
        m_history.emplace_back(run, step);
    }
    update_point_info();
    EventRecord e{step, "rewind", "", static_cast<double>(step),
                  "back to step " + std::to_string(step) + "; the steps after it are gone" +
                      std::string(map_cleared ? " (the data map starts again from here)" : "")};
    publish(e);
    if (m_log) m_log->write(e);
}

void Session::save_step(const Command& c) {
    check_reachable(c.n);
    Trainer& t = c.n == m_trainer->global_step() ? *m_trainer : reach(c.n, false);
    gs::save_checkpoint(c.name, t, info());
    EventRecord e{c.n, "checkpoint", c.name, 0, "saved step " + std::to_string(c.n) + " to " + c.name};
    publish(e);
    if (m_log) m_log->write(e);
}

void Session::hand_over(const Command& c) {
    ForkHandoff& h = *c.handoff;
    std::string error;
    try {
        check_reachable(c.n);
        if (c.n == m_trainer->global_step()) {  // the live step, with the settings it has now
            capture_state(*m_trainer, h.state);
            h.counters = counters();
        } else {
            capture_state(reach(c.n, false), h.state);
            h.counters = m_tt->replay_counters;
        }
    } catch (const std::exception& e) {
        error = e.what();
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    if (!error.empty()) fail_handoff(h, error);
    h.done = true;
    m_cv.notify_all();
}

void Session::adopt(ForkHandoff& h) {
    if (!h.error.empty()) throw Error("the fork could not be made: " + h.error);
    Trainer& t = *m_trainer;
    restore_state(t, h.state);
    ModelSpec before = live_spec(t);
    before.data.noise = h.parent_noise;
    const ForkSpec& ch = h.changes;
    if (ch.optimizer) {
        if (ch.optimizer->type != t.optimizer().spec().type) t.optimizer().set_spec(*ch.optimizer);
        else t.optimizer().spec() = *ch.optimizer;  // same optimizer: its state goes on
    }
    if (ch.lr) t.optimizer().spec().lr = *ch.lr;
    if (ch.weight_decay) t.optimizer().spec().weight_decay = *ch.weight_decay;
    if (ch.batch_size) t.set_batch_size(*ch.batch_size);
    if (ch.schedule) t.schedule() = *ch.schedule;
    const ModelSpec after = live_spec(t);
    set_counters(h.counters);
    m_steps_done = h.state.progress.step;
    note_progress();  // the epoch shown follows
    m_first_step = h.state.progress.step;
    m_next_stats_step = m_next_check_step = m_steps_done + 1;
    TimeTravel& tt = *m_tt;
    capture_state(t, tt.origin);
    tt.origin_counters = h.counters;
    tt.has_origin = true;
    take_base_point();
    RunInfo info;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_info.changes = spec_changes(before, after);
        info = m_info;
    }
    if (!m_opt.log_dir.empty()) {
        m_log = std::make_unique<RunLog>(m_opt.log_dir, after, m_backend_name, info);
        if (m_opt.log_every_step) {
            m_log->min_step_interval = std::chrono::milliseconds(0);
            m_log->min_epoch_interval = std::chrono::milliseconds(0);
        }
    }
    EventRecord e{m_steps_done, "fork", info.parent_name, 0,
                  "forked from '" + info.parent_name + "' at step " + std::to_string(m_steps_done) +
                      ": " + describe_changes(info.changes)};
    publish(e);
    if (m_log) m_log->write(e);
}

}  // namespace gs
