// Run logs: run.jsonl and epochs.csv in a run directory (docs/run-log.md).
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
#include <limits>
#include <string_view>
#include <system_error>

#include <nlohmann/json.hpp>

#include "gradscope/error.h"

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

// ---- reading --------------------------------------------------------------

struct BadLine {};

// A number field: absent gives dflt; null gives the value its "nonfinite"
// companion names (NaN when there is none); anything else is a bad line.
double get_number(const Json& j, const char* key, double dflt, const std::string& nf_key) {
    auto it = j.find(key);
    if (it == j.end()) return dflt;
    if (it->is_number()) return it->get<double>();
    if (!it->is_null()) throw BadLine{};
    auto nf = j.find(nf_key);
    if (nf != j.end() && nf->is_string()) {
        const std::string& s = nf->get_ref<const std::string&>();
        if (s == "inf") return std::numeric_limits<double>::infinity();
        if (s == "-inf") return -std::numeric_limits<double>::infinity();
    }
    return std::numeric_limits<double>::quiet_NaN();
}

double get_number(const Json& j, const char* key, double dflt) {
    return get_number(j, key, dflt, std::string(key) + "_nonfinite");
}

long get_integer(const Json& j, const char* key, bool required, long dflt = 0) {
    auto it = j.find(key);
    if (it == j.end()) {
        if (required) throw BadLine{};
        return dflt;
    }
    if (!it->is_number_integer()) throw BadLine{};
    return it->get<long>();
}

std::string get_string(const Json& j, const char* key, bool required) {
    auto it = j.find(key);
    if (it == j.end()) {
        if (required) throw BadLine{};
        return {};
    }
    if (!it->is_string()) throw BadLine{};
    return it->get<std::string>();
}

// Parses one complete line into c; false when it is not a known record.
bool read_record(const std::string_view line, RunLogContents& c, bool& have_run) {
    Json j = Json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return false;
    auto type_it = j.find("type");
    if (type_it == j.end() || !type_it->is_string()) return false;
    const std::string& type = type_it->get_ref<const std::string&>();
    try {
        if (type == "step") {
            StepRecord r;
            r.step = get_integer(j, "step", true);
            r.epoch = static_cast<int>(get_integer(j, "epoch", false));
            if (!j.contains("loss")) return false;
            r.loss = static_cast<float>(get_number(j, "loss", 0, "nonfinite"));
            r.accuracy = static_cast<float>(get_number(j, "accuracy", -1));
            r.lr = static_cast<float>(get_number(j, "lr", 0));
            r.step_ms = static_cast<float>(get_number(j, "step_ms", 0));
            r.samples_per_s = static_cast<float>(get_number(j, "samples_per_s", 0));
            const long merged = get_integer(j, "merged", false, 1);
            if (merged < 1) return false;
            c.steps.push_back(r);
            c.merged.push_back(merged);
        } else if (type == "epoch") {
            EpochRecord r;
            r.epoch = static_cast<int>(get_integer(j, "epoch", true));
            r.step = get_integer(j, "step", false);
            r.seconds = get_number(j, "seconds", 0);
            r.train_loss = static_cast<float>(get_number(j, "train_loss", 0));
            r.train_accuracy = static_cast<float>(get_number(j, "train_accuracy", -1));
            r.has_validation = j.contains("val_loss");
            if (r.has_validation) {
                r.val_loss = static_cast<float>(get_number(j, "val_loss", 0));
                r.val_accuracy = static_cast<float>(get_number(j, "val_accuracy", -1));
            }
            c.epochs.push_back(r);
        } else if (type == "event") {
            EventRecord r;
            r.step = get_integer(j, "step", false);
            r.kind = get_string(j, "kind", true);
            r.name = get_string(j, "name", false);
            r.value = get_number(j, "value", 0);
            r.text = get_string(j, "text", false);
            c.events.push_back(std::move(r));
        } else if (type == "layers") {
            const long step = get_integer(j, "step", true);
            auto arr = j.find("layers");
            if (arr == j.end() || !arr->is_array()) return false;
            std::vector<LayerStats> got;
            for (const Json& o : *arr) {
                if (!o.is_object()) return false;
                LayerStats st;
                st.step = step;
                st.layer = static_cast<int>(get_integer(o, "layer", true));
                if (st.layer < 0) return false;
                st.has_weights = o.contains("grad_norm");
                if (st.has_weights) {
                    st.weight_norm = static_cast<float>(get_number(o, "weight_norm", 0));
                    st.grad_norm = static_cast<float>(get_number(o, "grad_norm", 0));
                    st.grad_mean_abs = static_cast<float>(get_number(o, "grad_mean_abs", 0));
                    st.grad_max_abs = static_cast<float>(get_number(o, "grad_max_abs", 0));
                    st.update_ratio = static_cast<float>(get_number(o, "update_ratio", 0));
                }
                st.act_mean = static_cast<float>(get_number(o, "act_mean", 0));
                st.act_std = static_cast<float>(get_number(o, "act_std", 0));
                st.dead_fraction = static_cast<float>(get_number(o, "dead_fraction", -1));
                st.saturated_fraction = static_cast<float>(get_number(o, "saturated_fraction", -1));
                got.push_back(st);
            }
            c.layers.insert(c.layers.end(), got.begin(), got.end());
        } else if (type == "run") {
            std::string backend = get_string(j, "backend", false);
            if (!have_run) {  // a second "run" record is ignored, not garbage
                auto spec = j.find("spec");
                if (spec != j.end())
                    c.spec_json = spec->dump(-1, ' ', false, Json::error_handler_t::replace);
                c.backend = std::move(backend);
                have_run = true;
            }
        } else {
            return false;
        }
    } catch (const BadLine&) {
        return false;
    } catch (const nlohmann::json::exception&) {
        return false;
    }
    return true;
}

}  // namespace

RunLog::RunLog(const std::string& dir, const ModelSpec& spec, const std::string& backend)
    : m_dir(dir) {
    if (dir.empty()) throw Error("no run log directory given");
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir)) {
        const int err = ec ? ec.value() : ENOTDIR;
        throw Error("cannot create the run log directory " + quoted(dir) + ": " +
                    errno_text(err));
    }
    m_jsonl = create_file(path_in(m_dir, kJsonlName));
    try {
        m_csv = create_file(path_in(m_dir, kCsvName));
        Json run;
        run["type"] = "run";
        run["format"] = kFormat;
        run["time"] = iso8601_utc_now();
        run["backend"] = backend;
        run["spec"] = Json::parse(spec_to_json(spec, -1));
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
    flush_layers();
    m_pending = r;
    m_loss_sum += static_cast<double>(r.loss);
    if (!(r.accuracy < 0)) m_acc_sum += static_cast<double>(r.accuracy);
    ++m_merged;
    const auto now = clock();
    // The default (zero) time point means no step line yet: the first step is
    // always written.
    if (m_last_step_line == Clock::time_point{} || now - m_last_step_line >= min_step_interval) {
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
    // Steps still merging came before this record; keep the file in order.
    flush_merged();
    flush_layers();
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
    // Epochs are rare and worth having on disk at once.
    flush();
}

void RunLog::write(const EventRecord& r) {
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

void RunLog::write(const LayerStats& r) {
    if (r.step != m_layers_step) {
        // The first layer of a new statistics sample: log this sample only
        // if the last one logged is old enough (or there is none).
        flush_layers();
        m_layers_step = r.step;
        const auto now = clock();
        m_skip_layers = m_last_layers_line != Clock::time_point{} &&
                        now - m_last_layers_line < min_layers_interval;
        if (!m_skip_layers) m_last_layers_line = now;
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
        s += "}";
    }
    s += "]}\n";
    m_layers.clear();  // first: a failed write must not write them twice
    line(s);
}

void RunLog::flush() {
    flush_layers();
    flush_merged();
    flush_file(m_jsonl, m_dir, kJsonlName);
    flush_file(m_csv, m_dir, kCsvName);
    m_last_flush = clock();
}

void RunLog::maybe_flush() {
    if (clock() - m_last_flush >= kFlushEvery) flush();
}

RunLogContents read_run_log(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw Error("cannot read the run log " + quoted(path) + ": " + errno_text(errno));
    std::string text;
    char buf[1 << 16];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    const bool failed = std::ferror(f) != 0;
    const int err = errno;
    std::fclose(f);
    if (failed) throw Error("cannot read the run log " + quoted(path) + ": " + errno_text(err));

    RunLogContents c;
    bool have_run = false;
    size_t pos = 0;
    while (pos < text.size()) {
        const size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) {
            // Still being written (or cut by a crash): leave it for later.
            c.partial_last_line = true;
            break;
        }
        const std::string_view line(text.data() + pos, nl - pos);
        pos = nl + 1;
        if (line.empty()) continue;
        if (!read_record(line, c, have_run)) ++c.garbage_lines;
    }
    return c;
}

}  // namespace gs
