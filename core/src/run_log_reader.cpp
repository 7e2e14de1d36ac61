// The one run.jsonl reader (see gradscope/run_log_reader.h): a hand-written
// line parser and read_run_log on top of it. The JSON scanner (json_scan.h)
// keeps the top-level fields of an object as views into the line and
// validates, but does not build, nested values; strings are unescaped only
// where a record needs their text. The records of the views ("confusion",
// "datamap", the histograms of "layers") are read in run_log_reader_views.cpp.
#include "gradscope/run_log_reader.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#include <unistd.h>

#include "gradscope/error.h"
#include "gradscope/files.h"
#include "json_scan.h"
#include "run_log_gauges.h"
#include "run_log_reader_views.h"

namespace gs {

using namespace runlog;

namespace {

void parse_layers(const Fields& f, RunLogLine& out) {
    const long step = f.integer("step", true);
    const Value* arr = f.find("layers");
    if (!arr || arr->type != VType::Array) throw BadLine{};
    Scanner s(arr->raw);
    s.eat('[');
    if (s.eat(']')) return;
    std::vector<Field> inner;
    do {
        if (!s.object(inner)) throw BadLine{};
        const Fields o(inner);
        LayerStats st;
        st.step = step;
        const long layer = o.integer("layer", true);
        if (layer < 0 || layer > 1000000) throw BadLine{};
        st.layer = static_cast<int>(layer);
        st.has_weights = o.find("grad_norm") != nullptr;
        if (st.has_weights) {
            st.weight_norm = static_cast<float>(o.number("weight_norm", 0));
            st.grad_norm = static_cast<float>(o.number("grad_norm", 0));
            st.grad_mean_abs = static_cast<float>(o.number("grad_mean_abs", 0));
            st.grad_max_abs = static_cast<float>(o.number("grad_max_abs", 0));
            st.update_ratio = static_cast<float>(o.number("update_ratio", 0));
        }
        st.act_mean = static_cast<float>(o.number("act_mean", 0));
        st.act_std = static_cast<float>(o.number("act_std", 0));
        st.dead_fraction = static_cast<float>(o.number("dead_fraction", -1));
        st.saturated_fraction = static_cast<float>(o.number("saturated_fraction", -1));
        parse_layer_histograms(o, st);
        out.layers.push_back(st);
    } while (s.eat(','));
    if (!s.eat(']')) throw BadLine{};
}

// The optional identity fields of a "run" record.
void parse_run_info(const Fields& f, RunInfo& r) {
    r = RunInfo{};
    r.uid = f.string("run_id", false);
    r.name = f.string("name", false);
    r.parent_uid = f.string("parent_run_id", false);
    r.parent_name = f.string("parent_name", false);
    r.fork_step = f.integer("fork_step", false, -1);
    const Value* arr = f.find("changes");
    if (!arr || arr->type == VType::Null) return;
    if (arr->type != VType::Array) throw BadLine{};
    Scanner s(arr->raw);
    s.eat('[');
    if (s.eat(']')) return;
    std::vector<Field> inner;
    do {
        if (!s.object(inner)) throw BadLine{};
        const Fields o(inner);
        r.changes.push_back({o.string("name", true), o.string("old", false), o.string("new", false)});
    } while (s.eat(','));
    if (!s.eat(']')) throw BadLine{};
}

}  // namespace

RunLogLineKind parse_run_log_line(std::string_view line, RunLogLine& out) {
    thread_local std::vector<Field> fields;
    Scanner s(line);
    if (!s.object(fields) || !s.at_end()) return out.kind = RunLogLineKind::Garbage;
    const Fields f(fields);
    const Value* type = f.find("type");
    if (!type || type->type != VType::String) return out.kind = RunLogLineKind::Garbage;
    const std::string_view t = type->raw;
    try {
        if (t == "step") {
            StepRecord& r = out.step;
            r = StepRecord{};
            r.step = f.integer("step", true);
            r.epoch = static_cast<int>(f.integer("epoch", false));
            if (!f.find("loss")) throw BadLine{};
            r.loss = static_cast<float>(f.number("loss", 0, "nonfinite"));
            r.accuracy = static_cast<float>(f.number("accuracy", -1));
            r.lr = static_cast<float>(f.number("lr", 0));
            r.step_ms = static_cast<float>(f.number("step_ms", 0));
            r.samples_per_s = static_cast<float>(f.number("samples_per_s", 0));
            out.merged = f.integer("merged", false, 1);
            if (out.merged < 1) throw BadLine{};
            return out.kind = RunLogLineKind::Step;
        }
        if (t == "epoch") {
            EpochRecord& r = out.epoch;
            r = EpochRecord{};
            r.epoch = static_cast<int>(f.integer("epoch", true));
            r.step = f.integer("step", false);
            r.seconds = f.number("seconds", 0);
            r.train_loss = static_cast<float>(f.number("train_loss", 0));
            r.train_accuracy = static_cast<float>(f.number("train_accuracy", -1));
            r.has_validation = f.find("val_loss") != nullptr;
            if (r.has_validation) {
                r.val_loss = static_cast<float>(f.number("val_loss", 0));
                r.val_accuracy = static_cast<float>(f.number("val_accuracy", -1));
            }
            return out.kind = RunLogLineKind::Epoch;
        }
        if (t == "event") {
            EventRecord& r = out.event;
            r.step = f.integer("step", false);
            r.kind = f.string("kind", true);
            r.name = f.string("name", false);
            r.value = f.number("value", 0);
            r.text = f.string("text", false);
            return out.kind = RunLogLineKind::Event;
        }
        if (t == "layers") {
            out.layers.clear();
            parse_layers(f, out);
            return out.kind = RunLogLineKind::Layers;
        }
        if (t == "confusion") {
            parse_confusion(f, out.confusion);
            return out.kind = RunLogLineKind::Confusion;
        }
        if (t == "datamap") {
            parse_data_map(f, out.data_map);
            return out.kind = RunLogLineKind::DataMap;
        }
        if (parse_gauge_line(t, f, out)) return out.kind;
        if (t == "run") {
            out.backend = f.string("backend", false);
            parse_run_info(f, out.run);
            const Value* spec = f.find("spec");
            if (spec && spec->type != VType::Object && spec->type != VType::Null) throw BadLine{};
            out.spec_json = spec && spec->type == VType::Object ? std::string(spec->raw) : "";
            return out.kind = RunLogLineKind::Run;
        }
    } catch (const BadLine&) {
        return out.kind = RunLogLineKind::Garbage;
    }
    return out.kind = RunLogLineKind::Unknown;
}

namespace {

// Adds one complete line to c.
void add_line(std::string_view view, RunLogLine& line, RunLogContents& c, bool& have_run) {
    if (view.empty()) return;
    switch (parse_run_log_line(view, line)) {
        case RunLogLineKind::Step:
            c.steps.push_back(line.step);
            c.merged.push_back(line.merged);
            break;
        case RunLogLineKind::Epoch: c.epochs.push_back(line.epoch); break;
        case RunLogLineKind::Event:
            if (line.event.kind == "rewind") {  // the run went back: what came after is undone
                const long t = line.event.step;
                while (!c.steps.empty() && c.steps.back().step > t) {
                    c.steps.pop_back();
                    c.merged.pop_back();
                }
                while (!c.epochs.empty() && c.epochs.back().step > t) c.epochs.pop_back();
                while (!c.layers.empty() && c.layers.back().step > t) c.layers.pop_back();
                while (!c.sharpness.empty() && c.sharpness.back().step > t) c.sharpness.pop_back();
                while (!c.noise_scale.empty() && c.noise_scale.back().step > t) c.noise_scale.pop_back();
            }
            c.events.push_back(std::move(line.event));
            break;
        case RunLogLineKind::Sharpness: c.sharpness.push_back(line.sharpness); break;
        case RunLogLineKind::NoiseScale: c.noise_scale.push_back(line.noise_scale); break;
        case RunLogLineKind::LrRange: c.lr_ranges.push_back(line.lr_range); break;
        case RunLogLineKind::Layers:
            c.layers.insert(c.layers.end(), line.layers.begin(), line.layers.end());
            break;
        case RunLogLineKind::Confusion: c.confusions.push_back(std::move(line.confusion)); break;
        case RunLogLineKind::DataMap: c.data_maps.push_back(std::move(line.data_map)); break;
        case RunLogLineKind::Run:
            if (!have_run) {  // a second "run" record is ignored, not garbage
                c.spec_json = std::move(line.spec_json);
                c.backend = std::move(line.backend);
                c.run = std::move(line.run);
                have_run = true;
            }
            break;
        case RunLogLineKind::Unknown:  // skipped; read_run_log counts it (docs/run-log.md)
        case RunLogLineKind::Garbage: ++c.garbage_lines; break;
    }
}

}  // namespace

RunLogContents read_run_log(const std::string& path) {
    // Only a regular file is opened: a FIFO or a device is refused at once.
    InputFile f(path);
    const auto fail = [&](int err) {
        return Error("cannot read the run log " + quoted_path(path) + ": " +
                     std::strerror(err ? err : EIO));
    };
    // Read in chunks and parse the complete lines of each; the part of a line
    // a chunk ends in waits for the next. A last line without its newline is
    // still being written (or was cut by a crash): it is left for later.
    RunLogContents c;
    // Room for as many step lines as the file could hold (the writer's are
    // about 140 bytes), so a long log does not copy them as it grows.
    const size_t lines = static_cast<size_t>(f.size()) / 128;
    c.steps.reserve(lines);
    c.merged.reserve(lines);
    RunLogLine line;
    bool have_run = false;
    std::vector<char> buf(size_t{1} << 20);
    size_t kept = 0;        // bytes of an unfinished line at the start of buf
    bool skipping = false;  // inside a line longer than kMaxRunLogLineBytes
    for (;;) {
        if (kept == buf.size()) {  // a line longer than the buffer
            if (buf.size() >= kMaxRunLogLineBytes) {
                skipping = true;  // garbage: dropped up to its newline
                kept = 0;
            } else {
                buf.resize(std::min(buf.size() * 2, kMaxRunLogLineBytes));
            }
        }
        const ssize_t n = ::read(f.fd(), buf.data() + kept, buf.size() - kept);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw fail(errno);
        }
        if (n == 0) break;
        const char* p = buf.data();
        const char* end = p + kept + static_cast<size_t>(n);
        while (const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p))) {
            const char* e = static_cast<const char*>(nl);
            if (skipping) {
                ++c.garbage_lines;
                skipping = false;
            } else {
                add_line(std::string_view(p, static_cast<size_t>(e - p)), line, c, have_run);
            }
            p = e + 1;
        }
        kept = skipping ? 0 : static_cast<size_t>(end - p);
        std::memmove(buf.data(), p, kept);
    }
    c.partial_last_line = kept > 0 || skipping;
    return c;
}

}  // namespace gs
