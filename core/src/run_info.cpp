// RunInfo helpers: comparing two specs' hyperparameters into RunChanges, and
// the names a run goes by (uids, directory names).
#include "gradscope/run_info.h"
#include "gradscope/names.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <random>

namespace gs {

std::string short_number(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    char buf[40];
    const float f = static_cast<float>(value);
    // Floats (every spec setting) in their float form; larger integers whole.
    const auto r = static_cast<double>(f) == value ? std::to_chars(buf, buf + sizeof buf, f)
                                                   : std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, r.ptr);
}

std::string describe_schedule(const ScheduleSpec& s) {
    const ScheduleSpec d;
    std::string args;
    auto add = [&](const char* name, double v) {
        args += (args.empty() ? "" : ", ") + std::string(name) + "=" + short_number(v);
    };
    if (s.type == id_of(ScheduleKind::Step)) {
        add("step_size", static_cast<double>(s.step_size));
        add("gamma", s.gamma);
    } else if (s.type == id_of(ScheduleKind::Exponential)) {
        add("gamma", s.gamma);
    } else if (s.type == id_of(ScheduleKind::Cosine)) {
        add("total_steps", static_cast<double>(s.total_steps));
        if (s.min_lr != d.min_lr) add("min_lr", s.min_lr);
    }
    std::string out = args.empty() ? s.type : s.type + "(" + args + ")";
    if (s.warmup_steps > 0) out += "+warmup(" + std::to_string(s.warmup_steps) + ")";
    return out;
}

std::vector<RunChange> spec_changes(const ModelSpec& a, const ModelSpec& b) {
    std::vector<RunChange> out;
    auto num = [&](const char* name, double x, double y) {
        if (x != y) out.push_back({name, short_number(x), short_number(y)});
    };
    const OptimizerSpec &o = a.optimizer, &p = b.optimizer;
    if (o.type != p.type) out.push_back({"optimizer", o.type, p.type});
    num("lr", o.lr, p.lr);
    num("momentum", o.momentum, p.momentum);
    if (o.nesterov != p.nesterov)
        out.push_back({"nesterov", o.nesterov ? "true" : "false", p.nesterov ? "true" : "false"});
    num("beta1", o.beta1, p.beta1);
    num("beta2", o.beta2, p.beta2);
    num("eps", o.eps, p.eps);
    num("alpha", o.alpha, p.alpha);
    num("weight_decay", o.weight_decay, p.weight_decay);
    num("clip_norm", o.clip_norm, p.clip_norm);
    const std::string sa = describe_schedule(a.schedule), sb = describe_schedule(b.schedule);
    if (sa != sb) out.push_back({"schedule", sa, sb});
    num("batch_size", a.batch_size, b.batch_size);
    num("noise", a.data.noise, b.data.noise);
    return out;
}

std::string ForkSpec::summary() const {
    std::string out;
    auto add = [&](const std::string& part) { out += (out.empty() ? "" : " ") + part; };
    if (optimizer) add(optimizer->type);
    if (lr) add("lr=" + short_number(*lr));
    if (weight_decay) add("wd=" + short_number(*weight_decay));
    if (batch_size) add("batch=" + std::to_string(*batch_size));
    if (schedule) add(describe_schedule(*schedule));
    if (noise) add("noise=" + short_number(*noise));
    return out;
}

std::string describe_changes(const std::vector<RunChange>& changes) {
    if (changes.empty()) return "no changes";
    std::string out;
    for (const RunChange& c : changes)
        out += (out.empty() ? "" : ", ") + c.name + " " + c.old_value + " -> " + c.new_value;
    return out;
}

std::string new_run_uid() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char when[32];
    std::strftime(when, sizeof when, "%Y%m%dT%H%M%SZ", &tm);
    static thread_local std::mt19937 rng{std::random_device{}()};
    char tail[16];
    std::snprintf(tail, sizeof tail, "%08x", static_cast<unsigned>(rng()));
    return std::string(when) + "-" + tail;
}

std::string run_dir_name(const std::string& name) {
    std::string out;
    bool dash = false;
    for (const char c : name) {
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                          c == '-' || c == '_' || c == '.';
        if (keep && !(out.empty() && c == '.')) {  // no hidden directories
            out += c;
            dash = false;
        } else if (!dash && !out.empty()) {
            out += '-';
            dash = true;
        }
    }
    while (!out.empty() && (out.back() == '-' || out.back() == '.')) out.pop_back();
    if (out.empty()) return "run";
    return out;
}

}  // namespace gs
