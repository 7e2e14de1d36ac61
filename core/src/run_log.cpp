// Run logs: writing run.jsonl and epochs.csv in a run directory
// (docs/run-log.md); reading them is run_log_reader.cpp.
//
// Both files are append-only logs, not documents, so they are not written to a
// temporary file and renamed like the engine's other outputs: a crash is made
// harmless by writing every line whole with one fwrite and flushing often, and
// readers leave out a partial last line.
//
// Step and epoch lines hold only numbers and are formatted with to_chars into
// a stack buffer (the shortest text that reads back as the same float); the
// rare lines that hold strings (run, event) go through nlohmann_json, which
// escapes them. A step that is merged into a later line costs two additions
// and a clock read.
#include "gradscope/run_log.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string_view>
#include <system_error>

#include <nlohmann/json.hpp>

#include "gradscope/error.h"
#include "run_log_views.h"

namespace gs {

namespace {

using Json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

constexpr const char* kFormat = "gradscope-run-1";
constexpr const char* kCsvHeader =
    "epoch,step,seconds,train_loss,train_accuracy,val_loss,val_accuracy\n";
constexpr auto kFlushEvery = std::chrono::seconds(1);

std::string quoted(const std::string& path) { return "'" + path + "'"; }

std::string errno_text(int err) { return std::strerror(err != 0 ? err : EIO); }

// "2026-11-22T02:40:11.123Z"
std::string iso8601_utc_now() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    const long ms = static_cast<long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ".%03ldZ", ms < 0 ? 0 : ms);
    return buf;
}

const char* nonfinite_name(double v) {
    if (std::isnan(v)) return "nan";
    return v > 0 ? "inf" : "-inf";
}

// A JSON object built in a fixed buffer; only numbers and literal keys go in,
// so its length is bounded and nothing is allocated.
class LineBuf {
public:
    LineBuf() { raw("{"); }

    void raw(std::string_view s) {
        const size_t n = std::min(s.size(), sizeof m_buf - m_len);
        std::memcpy(m_buf + m_len, s.data(), n);
        m_len += n;
    }
    void key(const char* k) {
        if (m_len > 1) raw(",");
        raw("\"");
        raw(k);
        raw("\":");
    }
    void str(const char* k, const char* v) {
        key(k);
        raw("\"");
        raw(v);
        raw("\"");
    }
    void integer(const char* k, long v) {
        key(k);
        append_chars(v);
    }
    // A finite value as a number; otherwise null, and nf_key says which.
    template <typename F>
    void number(const char* k, F v, const char* nf_key) {
        key(k);
        if (std::isfinite(v)) {
            append_chars(v);
        } else {
            raw("null");
            str(nf_key, nonfinite_name(v));
        }
    }
    std::string finish() {
        raw("}\n");
        return std::string(m_buf, m_len);
    }

private:
    template <typename T>
    void append_chars(T v) {
        char tmp[40];
        auto res = std::to_chars(tmp, tmp + sizeof tmp, v);
        raw(std::string_view(tmp, static_cast<size_t>(res.ptr - tmp)));
    }

    char m_buf[512];
    size_t m_len = 0;
};

// A number appended to a "layers" line: finite as the shortest round-trip
// text, else null and its F_nonfinite companion.
void layer_field(std::string& out, const char* key, float v) {
    out += ",\"";
    out += key;
    out += "\":";
    if (std::isfinite(v)) {
        char tmp[40];
        auto res = std::to_chars(tmp, tmp + sizeof tmp, v);
        out.append(tmp, static_cast<size_t>(res.ptr - tmp));
    } else {
        out += "null,\"";
        out += key;
        out += "_nonfinite\":\"";
        out += nonfinite_name(v);
        out += "\"";
    }
}

// The CSV cell of a value: shortest round-trip text, "nan" / "inf" / "-inf".
void csv_cell(std::string& out, double v, bool is_float) {
    if (!std::isfinite(v)) {  // to_chars would write "-nan" for a negative NaN
        out += nonfinite_name(v);
        return;
    }
    char tmp[40];
    std::to_chars_result res = is_float ? std::to_chars(tmp, tmp + sizeof tmp, static_cast<float>(v))
                                        : std::to_chars(tmp, tmp + sizeof tmp, v);
    out.append(tmp, static_cast<size_t>(res.ptr - tmp));
}

constexpr const char* kJsonlName = "run.jsonl";
constexpr const char* kCsvName = "epochs.csv";

std::string path_in(const std::string& dir, const char* name) {
    return (std::filesystem::path(dir) / name).string();
}

// The path is only built when there is an error to report.
[[noreturn]] void write_failed(const std::string& dir, const char* name, int err) {
    throw Error("cannot write the run log " + quoted(path_in(dir, name)) + ": " + errno_text(err));
}

void write_all(std::FILE* f, const std::string& s, const std::string& dir, const char* name) {
    if (std::fwrite(s.data(), 1, s.size(), f) != s.size()) write_failed(dir, name, errno);
}

void flush_file(std::FILE* f, const std::string& dir, const char* name) {
    if (f && std::fflush(f) != 0) write_failed(dir, name, errno);
}

std::FILE* create_file(const std::string& path) {
    // A new file (a new inode) rather than a truncated one, so that a reader
    // following an earlier run in this directory sees the replacement.
    std::remove(path.c_str());
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (!f) throw Error("cannot create the run log file " + quoted(path) + ": " + errno_text(errno));
    return f;
}

}  // namespace

RunLog::RunLog(const std::string& dir, const ModelSpec& spec, const std::string& backend)
    : RunLog(dir, spec, backend, RunInfo{}) {}

RunLog::RunLog(const std::string& dir, const ModelSpec& spec, const std::string& backend,
               const RunInfo& info)
    : m_dir(dir) {
    if (dir.empty()) throw Error("no run log directory given");
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir)) {
        const int err = ec ? ec.value() : ENOTDIR;
        throw Error("cannot create the run log directory " + quoted(dir) + ": " +
                    errno_text(err));
    }
    // A data map table of an earlier run here would be taken for this one's.
    std::remove(path_in(m_dir, "datamap.csv").c_str());
    m_jsonl = create_file(path_in(m_dir, kJsonlName));
    try {
        m_csv = create_file(path_in(m_dir, kCsvName));
        Json run;
        run["type"] = "run";
        run["format"] = kFormat;
        run["time"] = iso8601_utc_now();
        run["backend"] = backend;
        run["spec"] = Json::parse(spec_to_json(spec, -1));
        if (!info.uid.empty()) run["run_id"] = info.uid;
        if (!info.name.empty()) run["name"] = info.name;
        if (info.is_fork() || !info.parent_uid.empty()) {
            if (!info.parent_uid.empty()) run["parent_run_id"] = info.parent_uid;
            if (!info.parent_name.empty()) run["parent_name"] = info.parent_name;
            run["fork_step"] = info.fork_step;
            Json changes = Json::array();
            for (const RunChange& c : info.changes)
                changes.push_back({{"name", c.name}, {"old", c.old_value}, {"new", c.new_value}});
            run["changes"] = changes;
        }
        line(run.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n");
        write_all(m_csv, kCsvHeader, m_dir, kCsvName);
        flush_file(m_jsonl, m_dir, kJsonlName);
        flush_file(m_csv, m_dir, kCsvName);
    } catch (...) {
        std::fclose(m_jsonl);
        if (m_csv) std::fclose(m_csv);
        throw;
    }
    m_last_flush = clock();
}

RunLog::~RunLog() {
    try {
        flush();
    } catch (...) {
        // A destructor reports nothing; flush() is where a caller hears of it.
    }
    if (m_jsonl) std::fclose(m_jsonl);
    if (m_csv) std::fclose(m_csv);
}

void RunLog::line(const std::string& json) { write_all(m_jsonl, json, m_dir, kJsonlName); }

void RunLog::write(const StepRecord& r) {
    if (!m_layers.empty()) flush_pending_epoch();  // a held-back epoch before later lines
    flush_layers();
    m_pending = r;
    m_loss_sum += static_cast<double>(r.loss);
    if (!(r.accuracy < 0)) m_acc_sum += static_cast<double>(r.accuracy);
    ++m_merged;
    const auto now = clock();
    // The default (zero) time point means no step line yet: the first step is
    // always written.
    if (m_last_step_line == Clock::time_point{} || now - m_last_step_line >= min_step_interval) {
        flush_pending_epoch();
        flush_merged();
        m_last_step_line = now;
        maybe_flush();
    }
}

void RunLog::flush_merged() {
    if (m_merged == 0) return;
    const double n = static_cast<double>(m_merged);
    LineBuf b;
    b.str("type", "step");
    b.integer("step", m_pending.step);
    b.integer("epoch", m_pending.epoch);
    b.number("loss", static_cast<float>(m_loss_sum / n), "nonfinite");
    if (!(m_pending.accuracy < 0))
        b.number("accuracy", static_cast<float>(m_acc_sum / n), "accuracy_nonfinite");
    b.number("lr", m_pending.lr, "lr_nonfinite");
    b.number("step_ms", m_pending.step_ms, "step_ms_nonfinite");
    b.number("samples_per_s", m_pending.samples_per_s, "samples_per_s_nonfinite");
    b.integer("merged", m_merged);
    // Reset first: a failed write must not write these steps twice.
    m_loss_sum = m_acc_sum = 0;
    m_merged = 0;
    line(b.finish());
}

void RunLog::write(const EpochRecord& r) {
    // The rate limit: a token bucket of epoch_burst lines, refilled one per
    // min_epoch_interval.
    const auto now = clock();
    const double burst = std::max(1, epoch_burst);
    if (m_epoch_tokens < 0) {
        m_epoch_tokens = burst;
        m_last_epoch_refill = now;
    } else if (min_epoch_interval.count() <= 0) {
        m_epoch_tokens = burst;
    } else {
        const double refill = std::chrono::duration<double>(now - m_last_epoch_refill).count() /
                              std::chrono::duration<double>(min_epoch_interval).count();
        m_epoch_tokens = std::min(burst, m_epoch_tokens + refill);
        m_last_epoch_refill = now;
    }
    if (m_epoch_tokens < 1) {
        // Over the rate: held back, written only if no later epoch replaces
        // it before the next flush.
        if (m_has_pending_epoch) ++m_epochs_left_out;
        m_pending_epoch = r;
        m_has_pending_epoch = true;
        return;
    }
    m_epoch_tokens -= 1;
    if (m_has_pending_epoch) ++m_epochs_left_out;  // replaced by this one
    m_has_pending_epoch = false;
    // Steps still merging came before this record; keep the file in order.
    flush_merged();
    flush_layers();
    write_epoch_line(r);
}

void RunLog::flush_pending_epoch() {
    if (!m_has_pending_epoch) return;
    // What waits and came before the epoch goes first; what came after it
    // (a later step) stays for its own line.
    if (m_merged > 0 && m_pending.step <= m_pending_epoch.step) flush_merged();
    if (!m_layers.empty() && m_layers_step <= m_pending_epoch.step) flush_layers();
    m_has_pending_epoch = false;
    write_epoch_line(m_pending_epoch);
}

void RunLog::write_epoch_line(const EpochRecord& r) {
    LineBuf b;
    b.str("type", "epoch");
    b.integer("epoch", r.epoch);
    b.integer("step", r.step);
    b.number("seconds", r.seconds, "seconds_nonfinite");
    b.number("train_loss", r.train_loss, "train_loss_nonfinite");
    if (!(r.train_accuracy < 0))
        b.number("train_accuracy", r.train_accuracy, "train_accuracy_nonfinite");
    if (r.has_validation) {
        b.number("val_loss", r.val_loss, "val_loss_nonfinite");
        if (!(r.val_accuracy < 0))
            b.number("val_accuracy", r.val_accuracy, "val_accuracy_nonfinite");
    }
    if (m_epochs_left_out > 0) b.integer("left_out", m_epochs_left_out);
    m_epochs_left_out = 0;
    line(b.finish());

    std::string row = std::to_string(r.epoch) + "," + std::to_string(r.step) + ",";
    csv_cell(row, r.seconds, false);
    row += ",";
    csv_cell(row, r.train_loss, true);
    row += ",";
    if (!(r.train_accuracy < 0)) csv_cell(row, r.train_accuracy, true);
    row += ",";
    if (r.has_validation) csv_cell(row, r.val_loss, true);
    row += ",";
    if (r.has_validation && !(r.val_accuracy < 0)) csv_cell(row, r.val_accuracy, true);
    row += "\n";
    write_all(m_csv, row, m_dir, kCsvName);
    // Epoch lines are rare (rate-limited) and worth having on disk at once.
    flush_file(m_jsonl, m_dir, kJsonlName);
    flush_file(m_csv, m_dir, kCsvName);
    m_last_flush = clock();
}

void RunLog::write(const EventRecord& r) {
    flush_pending_epoch();
    flush_merged();
    flush_layers();
    Json j;
    j["type"] = "event";
    j["step"] = r.step;
    j["kind"] = r.kind;
    j["name"] = r.name;
    if (std::isfinite(r.value)) {
        j["value"] = r.value;
    } else {
        j["value"] = nullptr;
        j["value_nonfinite"] = nonfinite_name(r.value);
    }
    j["text"] = r.text;
    // Invalid UTF-8 in a name or text is replaced (U+FFFD), never thrown.
    line(j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n");
    // A breakpoint or an error may be the last thing before a crash.
    flush();
}

void RunLog::write(const SharpnessRecord& r) {
    flush_merged();
    flush_layers();
    LineBuf b;
    b.str("type", "sharpness");
    b.integer("step", r.step);
    b.number("sharpness", r.sharpness, "sharpness_nonfinite");
    b.number("lr", r.lr, "lr_nonfinite");
    b.number("edge", r.edge, "edge_nonfinite");
    b.integer("iterations", r.iterations);
    b.number("cost_share", r.cost_share, "cost_share_nonfinite");
    line(b.finish());
    maybe_flush();
}

void RunLog::write(const NoiseScaleRecord& r) {
    flush_merged();
    flush_layers();
    LineBuf b;
    b.str("type", "noise_scale");
    b.integer("step", r.step);
    b.number("b_simple", r.b_simple, "b_simple_nonfinite");
    b.number("grad_sq", r.grad_sq, "grad_sq_nonfinite");
    b.number("trace", r.trace, "trace_nonfinite");
    b.integer("batch", r.batch);
    b.number("cost_share", r.cost_share, "cost_share_nonfinite");
    line(b.finish());
    maybe_flush();
}

void RunLog::write(const LrRangeResult& r) {
    flush_merged();
    flush_layers();
    Json j;
    j["type"] = "lr_range";
    j["step"] = r.step;
    j["lr_min"] = r.options.lr_min;
    j["lr_max"] = r.options.lr_max;
    j["steps"] = r.options.steps;
    auto numbers = [](const std::vector<float>& v) {
        Json a = Json::array();
        for (float x : v) a.push_back(std::isfinite(x) ? Json(x) : Json(nullptr));  // null: not finite
        return a;
    };
    j["lr"] = numbers(r.lr);
    j["loss"] = numbers(r.loss);
    j["suggested_lr"] = std::isfinite(r.suggested_lr) ? r.suggested_lr : 0.0;
    j["exploded"] = r.exploded;
    j["stopped"] = r.stopped;
    if (!r.error.empty()) j["error"] = r.error;
    j["seconds"] = r.seconds;
    line(j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n");
    flush();
}

void RunLog::write(const LayerStats& r) {
    if (r.step != m_layers_step) {
        // The first layer of a new statistics sample: log this sample only
        // if the last one logged is old enough (or there is none).
        flush_pending_epoch();
        flush_layers();
        m_layers_step = r.step;
        const auto now = clock();
        m_skip_layers = m_last_layers_line != Clock::time_point{} &&
                        now - m_last_layers_line < min_layers_interval;
        if (!m_skip_layers) m_last_layers_line = now;
        m_layers_histograms = !m_skip_layers && (m_last_histograms == Clock::time_point{} ||
                                                 now - m_last_histograms >= min_histogram_interval);
        if (m_layers_histograms) m_last_histograms = now;
    }
    if (!m_skip_layers) m_layers.push_back(r);
}

void RunLog::flush_layers() {
    if (m_layers.empty()) return;
    // The steps these statistics were taken at come first in the file.
    flush_merged();
    std::string s = "{\"type\":\"layers\",\"step\":" + std::to_string(m_layers.front().step) +
                    ",\"layers\":[";
    for (size_t i = 0; i < m_layers.size(); ++i) {
        const LayerStats& l = m_layers[i];
        if (i) s += ",";
        s += "{\"layer\":" + std::to_string(l.layer);
        if (l.has_weights) {
            layer_field(s, "weight_norm", l.weight_norm);
            layer_field(s, "grad_norm", l.grad_norm);
            layer_field(s, "grad_mean_abs", l.grad_mean_abs);
            layer_field(s, "grad_max_abs", l.grad_max_abs);
            layer_field(s, "update_ratio", l.update_ratio);
        }
        layer_field(s, "act_mean", l.act_mean);
        layer_field(s, "act_std", l.act_std);
        if (!(l.dead_fraction < 0)) layer_field(s, "dead_fraction", l.dead_fraction);
        if (!(l.saturated_fraction < 0)) layer_field(s, "saturated_fraction", l.saturated_fraction);
        if (m_layers_histograms) append_layer_histograms(s, l);
        s += "}";
    }
    s += "]}\n";
    m_layers.clear();  // first: a failed write must not write them twice
    line(s);
}

void RunLog::flush() {
    flush_pending_epoch();
    flush_layers();
    flush_merged();
    flush_file(m_jsonl, m_dir, kJsonlName);
    flush_file(m_csv, m_dir, kCsvName);
    m_last_flush = clock();
}

void RunLog::maybe_flush() {
    if (clock() - m_last_flush >= kFlushEvery) flush();
}

}  // namespace gs
