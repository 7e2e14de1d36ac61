// The one reader's part for the gauges' records ("sharpness",
// "noise_scale", "lr_range"; docs/run-log.md), on the scanner the rest of
// the reader uses (json_scan.h).
#include "run_log_gauges.h"

namespace gs {

using namespace runlog;

namespace {

// A JSON array of numbers (null: not finite, read as NaN) into out.
void number_array(const Fields& f, std::string_view key, std::vector<float>& out) {
    out.clear();
    const Value* arr = f.find(key);
    if (!arr || arr->type != VType::Array) throw BadLine{};
    Scanner s(arr->raw);
    s.eat('[');
    if (s.eat(']')) return;
    do {
        Value v;
        if (!s.value(v)) throw BadLine{};
        if (v.type == VType::Number) out.push_back(static_cast<float>(v.num));
        else if (v.type == VType::Null) out.push_back(std::numeric_limits<float>::quiet_NaN());
        else throw BadLine{};
    } while (s.eat(','));
    if (!s.eat(']')) throw BadLine{};
}

bool boolean(const Fields& f, std::string_view key) {
    const Value* v = f.find(key);
    if (!v) return false;
    if (v->type != VType::Bool) throw BadLine{};
    return v->inum != 0;
}

}  // namespace

bool parse_gauge_line(std::string_view type, const Fields& f, RunLogLine& out) {
    if (type == "sharpness") {
        SharpnessRecord& r = out.sharpness;
        r = SharpnessRecord{};
        r.step = f.integer("step", true);
        if (!f.find("sharpness")) throw BadLine{};
        r.sharpness = static_cast<float>(f.number("sharpness", 0));
        r.lr = static_cast<float>(f.number("lr", 0));
        r.edge = static_cast<float>(f.number("edge", 0));
        r.iterations = static_cast<int>(f.integer("iterations", false));
        r.cost_share = static_cast<float>(f.number("cost_share", 0));
        out.kind = RunLogLineKind::Sharpness;
        return true;
    }
    if (type == "noise_scale") {
        NoiseScaleRecord& r = out.noise_scale;
        r = NoiseScaleRecord{};
        r.step = f.integer("step", true);
        if (!f.find("b_simple")) throw BadLine{};
        r.b_simple = static_cast<float>(f.number("b_simple", 0));
        r.grad_sq = static_cast<float>(f.number("grad_sq", 0));
        r.trace = static_cast<float>(f.number("trace", 0));
        r.batch = static_cast<int>(f.integer("batch", false));
        r.cost_share = static_cast<float>(f.number("cost_share", 0));
        out.kind = RunLogLineKind::NoiseScale;
        return true;
    }
    if (type == "lr_range") {
        LrRangeResult& r = out.lr_range;
        r = LrRangeResult{};
        r.step = f.integer("step", true);
        r.options.lr_min = f.number("lr_min", 0);
        r.options.lr_max = f.number("lr_max", 0);
        r.options.steps = static_cast<int>(f.integer("steps", false));
        number_array(f, "lr", r.lr);
        number_array(f, "loss", r.loss);
        if (r.lr.size() != r.loss.size()) throw BadLine{};
        r.suggested_lr = f.number("suggested_lr", 0);
        r.exploded = boolean(f, "exploded");
        r.stopped = f.string("stopped", false);
        r.error = f.string("error", false);
        r.seconds = f.number("seconds", 0);
        out.kind = RunLogLineKind::LrRange;
        return true;
    }
    return false;
}

}  // namespace gs
