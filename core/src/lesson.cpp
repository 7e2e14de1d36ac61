// Reading a lesson (gradscope/lesson.h): every field checked for its JSON
// type, its range and its place, unknown fields named with the closest known
// one, and every problem reported at once with the file, the step and the
// field. Inline specs and project files are read with the spec reader (form
// only; the engine validates them before a run).
#include "gradscope/lesson.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "spec/spec_detail.h"

namespace gs {

using namespace spec_detail;

namespace {

const std::vector<std::string> kLessonFields = {"title", "description", "steps"};
const std::vector<std::string> kStepFields = {"title",  "text",     "view", "preset", "spec", "project",
                                              "reset",  "settings", "set",  "run",    "wait"};
const std::vector<std::string> kWaitFields = {"steps",      "step",      "loss_below", "accuracy_above",
                                              "breakpoint", "max_steps"};
const std::vector<std::string> kEditFields = {"layer", "param", "unit", "input", "value"};
const std::vector<std::string> kRuns = {"play", "pause", "trace"};
const std::vector<std::string> kWaitBreakpoints = {"nonfinite", "condition", "any"};

constexpr uint64_t kMaxProjectBytes = 16ull << 20;

// Adds issues for one place of a lesson.
struct Sink {
    std::vector<LessonIssue>* out;
    std::string file;
    int step = -1;
    void add(const std::string& field, const std::string& message) const {
        out->push_back(LessonIssue{file, step, field, message});
    }
    void unknown(const Json& o, const std::vector<std::string>& known, const std::string& prefix,
                 const char* what) const {
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (std::find(known.begin(), known.end(), it.key()) != known.end()) continue;
            std::string guess = closest(it.key(), known);
            if (guess.empty() && lower(it.key()) == "learning_rate") guess = "lr";
            add(prefix + it.key(), std::string("unknown ") + what + " " + squote(it.key()) +
                                       (guess.empty() ? "; use " + join(known)
                                                      : "; did you mean " + squote(guess) + "?"));
        }
    }
};

const Json* field(const Json& o, const char* key) {
    auto it = o.find(key);
    return it == o.end() || it->is_null() ? nullptr : &*it;
}

bool get_string(const Json& o, const char* key, std::string& out, const Sink& s,
                const std::string& prefix = "") {
    const Json* v = field(o, key);
    if (!v) return false;
    if (!v->is_string()) {
        s.add(prefix + key, "expects text, got " + describe(*v));
        return false;
    }
    out = v->get<std::string>();
    return true;
}

// A whole number in [lo, hi]; the message names the range.
bool get_count(const Json& o, const char* key, long& out, long lo, long hi, const Sink& s,
               const std::string& prefix, const std::string& what) {
    const Json* v = field(o, key);
    if (!v) return false;
    const bool whole = v->is_number_integer() ||
                       (v->is_number_float() && std::floor(v->get<double>()) == v->get<double>());
    const double d = v->is_number() ? v->get<double>() : 0;
    if (!whole || d < lo || d > hi) {
        s.add(prefix + key, "must be " + what + ", got " + describe(*v));
        return false;
    }
    out = static_cast<long>(d);
    return true;
}

bool get_number(const Json& o, const char* key, double& out, const Sink& s, const std::string& prefix,
                const std::string& what, double lo, double hi, bool lo_open) {
    const Json* v = field(o, key);
    if (!v) return false;
    const double d = v->is_number() ? v->get<double>() : NAN;
    if (!v->is_number() || !std::isfinite(d) || d < lo || (lo_open && d == lo) || d > hi) {
        s.add(prefix + key, "must be " + what + ", got " + describe(*v));
        return false;
    }
    out = d;
    return true;
}

// A hyperparameter's range as the session takes it.
bool read_hyperparameter(const Json& settings, const HyperparameterName& h, LessonSettings& out,
                         const Sink& s) {
    double v = 0;
    long n = 0;
    const std::string pre = "settings.";
    bool ok = false;
    switch (h.kind) {
        case Hyperparameter::Lr:
            ok = get_number(settings, h.id, v, s, pre, "a positive number", 0, 1e9, true);
            break;
        case Hyperparameter::Momentum:
            ok = get_number(settings, h.id, v, s, pre, "a number from 0 up to (not including) 1", 0, 0.999999, false);
            break;
        case Hyperparameter::WeightDecay:
        case Hyperparameter::ClipNorm:
            ok = get_number(settings, h.id, v, s, pre, "a number of 0 or more", 0, 1e9, false);
            break;
        case Hyperparameter::BatchSize:
            ok = get_count(settings, h.id, n, 1, kMaxBatch, s, pre, "a whole number from 1 to 65,536");
            v = static_cast<double>(n);
            break;
        case Hyperparameter::StepsPerSecond:
            ok = get_number(settings, h.id, v, s, pre, "0 (as fast as it goes) or a speed in steps per second", 0,
                            1e9, false);
            if (ok && v > 0 && v < 1e-3) {
                s.add(pre + h.id, "must be 0 (as fast as it goes) or at least 0.001 steps per second");
                ok = false;
            }
            break;
    }
    if (ok) out.hyperparameters.emplace_back(h.id, v);
    return ok;
}

void read_settings(const Json& j, LessonSettings& out, const Sink& s) {
    if (!j.is_object()) {
        s.add("settings", "expects an object such as {\"lr\": 0.1}, got " + describe(j));
        return;
    }
    std::vector<std::string> known = name_ids(hyperparameter_table());
    known.push_back("optimizer");
    known.push_back("breakpoints");
    s.unknown(j, known, "settings.", "setting");
    for (const HyperparameterName& h : hyperparameter_table()) read_hyperparameter(j, h, out, s);
    if (get_string(j, "optimizer", out.optimizer, s, "settings.") && !find_optimizer(out.optimizer)) {
        s.add("settings.optimizer", "unknown optimizer " + squote(out.optimizer) + "; use " +
                                        name_list(optimizer_table()));
        out.optimizer.clear();
    }
    const Json* b = field(j, "breakpoints");
    if (!b) return;
    if (!b->is_object()) {
        s.add("settings.breakpoints", "expects an object such as {\"nonfinite\": true}, got " + describe(*b));
        return;
    }
    s.unknown(*b, name_ids(breakpoint_table()), "settings.breakpoints.", "breakpoint");
    for (const BreakpointName& bp : breakpoint_table()) {
        const Json* v = field(*b, bp.id);
        if (!v) continue;
        const std::string f = std::string("settings.breakpoints.") + bp.id;
        if (bp.kind == BreakpointKind::Nonfinite) {
            if (!v->is_boolean()) s.add(f, "must be true or false, got " + describe(*v));
            else out.breakpoints.emplace_back(bp.id, v->get<bool>() ? 1.0 : 0.0);
            continue;
        }
        double d = 0;
        if (get_number(*b, bp.id, d, s, "settings.breakpoints.", "a positive number (the threshold)", 0, 1e30, true))
            out.breakpoints.emplace_back(bp.id, d);
    }
}

void read_edits(const Json& j, std::vector<ParameterEdit>& out, const Sink& s) {
    if (!j.is_array()) {
        s.add("set", "expects a list such as [{\"layer\": 0, \"unit\": 0, \"input\": 0, \"value\": 1.5}], got " +
                         describe(j));
        return;
    }
    for (size_t i = 0; i < j.size() && i < 64; ++i) {
        const std::string pre = "set[" + std::to_string(i) + "].";
        const Json& e = j[i];
        if (!e.is_object()) {
            s.add("set[" + std::to_string(i) + "]", "expects an object, got " + describe(e));
            continue;
        }
        s.unknown(e, kEditFields, pre, "field");
        ParameterEdit p;
        long layer = -1, unit = 0, input = 0;
        double value = NAN;
        bool ok = true;
        if (!get_count(e, "layer", layer, 0, 1000, s, pre, "the layer's index in the spec, from 0")) {
            if (!field(e, "layer")) s.add(pre + "layer", "missing — the Dense layer's index in the spec, from 0");
            ok = false;
        }
        if (field(e, "unit") && !get_count(e, "unit", unit, 0, 1 << 24, s, pre, "a unit, from 0")) ok = false;
        if (field(e, "input") && !get_count(e, "input", input, 0, 1 << 24, s, pre, "an input, from 0")) ok = false;
        if (get_string(e, "param", p.param, s, pre) && p.param != "weight" && p.param != "bias") {
            s.add(pre + "param", "must be \"weight\" or \"bias\", got " + squote(p.param));
            ok = false;
        }
        if (!get_number(e, "value", value, s, pre, "a finite number", -1e30, 1e30, false)) {
            if (!field(e, "value")) s.add(pre + "value", "missing — the value to set");
            ok = false;
        }
        if (!ok) continue;
        p.layer = static_cast<int>(layer);
        p.unit = static_cast<int>(unit);
        p.input = static_cast<int>(input);
        p.value = static_cast<float>(value);
        out.push_back(p);
    }
    if (j.size() > 64) s.add("set", "sets " + std::to_string(j.size()) + " values; a step sets at most 64");
}

void read_wait(const Json& j, LessonWait& w, const Sink& s) {
    if (!j.is_object()) {
        s.add("wait", "expects an object such as {\"loss_below\": 0.1}, got " + describe(j));
        return;
    }
    s.unknown(j, kWaitFields, "wait.", "condition");
    get_count(j, "steps", w.steps, 1, kMaxLessonStepCap, s, "wait.",
              "a whole number from 1 to 1,000,000 (steps to train)");
    get_count(j, "step", w.step, 1, 1L << 40, s, "wait.", "a positive whole number (the run's step count)");
    get_number(j, "loss_below", w.loss_below, s, "wait.", "a positive number", 0, 1e30, true);
    get_number(j, "accuracy_above", w.accuracy_above, s, "wait.",
               "a fraction from 0 to 1 (0.9 is 90%)", 0, 1, false);
    if (get_string(j, "breakpoint", w.breakpoint, s, "wait.") &&
        std::find(kWaitBreakpoints.begin(), kWaitBreakpoints.end(), w.breakpoint) == kWaitBreakpoints.end()) {
        s.add("wait.breakpoint", "must be nonfinite, condition or any, got " + squote(w.breakpoint));
        w.breakpoint.clear();
    }
    get_count(j, "max_steps", w.max_steps, 1, kMaxLessonStepCap, s, "wait.",
              "a whole number from 1 to 1,000,000");
    std::vector<std::string> given;
    for (const char* c : {"steps", "step", "loss_below", "accuracy_above", "breakpoint"})
        if (field(j, c)) given.emplace_back(c);
    if (given.size() > 1)
        s.add("wait", "waits for one thing (steps, step, loss_below, accuracy_above or breakpoint); this gives " +
                          join(given, " and ") + " — split it into two steps");
    else if (given.empty())
        s.add("wait", "gives no condition — use steps, step, loss_below, accuracy_above or breakpoint, "
                      "or leave wait out");
    if (w.steps > 0 && field(j, "max_steps") && w.max_steps < w.steps)
        s.add("wait.max_steps", "is below wait.steps (" + std::to_string(w.steps) + "): the step could never finish");
    if (w.steps > w.max_steps && !field(j, "max_steps")) w.max_steps = w.steps;
}

std::string read_text_file(const std::string& path, uint64_t limit, std::string& error) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        error = "cannot read " + squote(path) + ": " + std::strerror(EISDIR);
        return "";
    }
    errno = 0;
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        error = "cannot read " + squote(path) + ": " + std::strerror(errno ? errno : ENOENT);
        return "";
    }
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > limit) {
        error = squote(path) + " is " + bytes_str(size) + "; the limit is " + bytes_str(limit);
        return "";
    }
    std::ostringstream text;
    text << f.rdbuf();
    return text.str();
}

void read_project(LessonStep& st, const std::string& folder, const Sink& s) {
    namespace fs = std::filesystem;
    const fs::path p = fs::path(st.project).is_absolute() ? fs::path(st.project) : fs::path(folder) / st.project;
    st.project_path = p.lexically_normal().string();
    std::string error;
    const std::string text = read_text_file(st.project_path, kMaxProjectBytes, error);
    if (!error.empty()) return s.add("project", error);
    Json j;
    try {
        j = Json::parse(text);
    } catch (const std::exception&) {
        return s.add("project", squote(st.project) + " is not valid JSON");
    }
    if (!j.is_object() || !j.contains("spec") || !j["spec"].is_object())
        return s.add("project", squote(st.project) + " is not a Gradscope project (it has no \"spec\" object)");
    SpecResult r = read_spec_json(j["spec"].dump());
    for (const SpecIssue& i : r.issues) s.add("project", "its spec: " + i.str());
    st.spec = r.spec;
    st.has_spec = r.ok();
}

void read_step(const Json& j, LessonStep& st, bool have_model, const std::string& folder, const Sink& s) {
    if (!j.is_object()) return s.add("", "expects an object with a \"text\", got " + describe(j));
    s.unknown(j, kStepFields, "", "field");
    get_string(j, "title", st.title, s);
    if (st.title.size() > kMaxLessonTitle)
        s.add("title", "is " + std::to_string(st.title.size()) + " characters; keep it under " +
                           std::to_string(kMaxLessonTitle));
    if (!get_string(j, "text", st.text, s) && !field(j, "text"))
        s.add("text", "missing — the words the callout shows");
    else if (st.text.size() > kMaxLessonText)
        s.add("text", "is " + grouped(st.text.size()) + " characters; keep it under " + grouped(kMaxLessonText) +
                          " (a callout is read at a glance — split the step)");
    std::string view;
    if (get_string(j, "view", view, s)) {
        if (const LessonViewName* v = find_lesson_view(view)) {
            st.view = v->kind;
        } else {
            const std::string guess = closest(view, name_ids(lesson_view_table()));
            s.add("view", "unknown view " + squote(view) +
                              (guess.empty() ? "; use " + name_list(lesson_view_table())
                                             : "; did you mean " + squote(guess) + "?"));
        }
    }
    // The model.
    std::vector<std::string> models;
    if (get_string(j, "preset", st.preset, s)) models.emplace_back("preset");
    if (const Json* spec = field(j, "spec")) {
        models.emplace_back("spec");
        if (!spec->is_object()) {
            s.add("spec", "expects a model spec object, got " + describe(*spec));
        } else {
            SpecResult r = read_spec_json(spec->dump());
            for (const SpecIssue& i : r.issues) s.add("spec", i.str());
            st.spec = r.spec;
            st.has_spec = r.ok();
        }
    }
    if (get_string(j, "project", st.project, s)) {
        models.emplace_back("project");
        if (models.size() == 1) read_project(st, folder, s);
    }
    if (models.size() > 1)
        s.add(models[1], "gives a " + join(models, " and a ") + ": give one model (or none, to go on with the last one)");
    if (const Json* r = field(j, "reset")) {
        if (!r->is_boolean()) s.add("reset", "must be true or false, got " + describe(*r));
        else st.reset = r->get<bool>();
    }
    if (models.empty() && !have_model)
        s.add("", "the first step needs a model: give \"preset\", \"spec\" or \"project\"");
    if (const Json* v = field(j, "settings")) read_settings(*v, st.settings, s);
    if (const Json* v = field(j, "set")) read_edits(*v, st.set, s);
    if (const Json* v = field(j, "wait")) read_wait(*v, st.wait, s);
    if (get_string(j, "run", st.run, s) && std::find(kRuns.begin(), kRuns.end(), st.run) == kRuns.end()) {
        s.add("run", "must be play, pause or trace, got " + squote(st.run));
        st.run.clear();
    }
    if (st.run.empty()) st.run = st.wait.any() || field(j, "wait") ? "play" : "pause";
    if (st.run == "pause" && st.wait.any())
        s.add("run", "a paused step cannot meet its wait — use \"play\", or leave the wait out");
    if (st.run == "trace" && st.wait.any())
        s.add("run", "a traced step takes one step and stops for the step-through — leave the wait out");
}

}  // namespace

LessonResult read_lesson_json(const std::string& text, const std::string& name, const std::string& folder) {
    LessonResult res;
    res.lesson.file = name;
    Sink top{&res.issues, name, -1};
    try {
        Json j;
        try {
            j = Json::parse(text);
        } catch (const Json::parse_error& e) {
            std::string what = e.what();
            if (auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
            top.add("", "invalid JSON: " + what);
            return res;
        }
        if (!j.is_object()) {
            top.add("", "a lesson is a JSON object ({\"title\": ..., \"steps\": [...]}), got " + describe(j));
            return res;
        }
        top.unknown(j, kLessonFields, "", "field");
        Lesson& l = res.lesson;
        if (!get_string(j, "title", l.title, top) && !field(j, "title"))
            top.add("title", "missing — the lesson's name in the Lessons menu");
        else if (l.title.size() > kMaxLessonTitle)
            top.add("title", "is " + std::to_string(l.title.size()) + " characters; keep it under " +
                                 std::to_string(kMaxLessonTitle));
        get_string(j, "description", l.description, top);
        const Json* steps = field(j, "steps");
        if (!steps || !steps->is_array() || steps->empty()) {
            top.add("steps", steps ? "expects a list of steps, got " + describe(*steps)
                                   : "missing — a lesson is a list of steps");
            return res;
        }
        if (steps->size() > static_cast<size_t>(kMaxLessonSteps)) {
            top.add("steps", std::to_string(steps->size()) + " steps; a lesson has at most " +
                                 std::to_string(kMaxLessonSteps) + " — split it into two lessons");
            return res;
        }
        bool have_model = false;
        for (size_t i = 0; i < steps->size(); ++i) {
            LessonStep st;
            read_step((*steps)[i], st, have_model, folder, Sink{&res.issues, name, static_cast<int>(i)});
            have_model = have_model || st.opens_model();
            l.steps.push_back(std::move(st));
        }
    } catch (const std::exception& e) {
        top.add("", std::string("could not read the lesson: ") + e.what());
    }
    return res;
}

LessonResult read_lesson_file(const std::string& path) {
    namespace fs = std::filesystem;
    const std::string name = fs::path(path).filename().string();
    std::string error;
    const std::string text = read_text_file(path, kMaxLessonFileBytes, error);
    if (!error.empty()) {
        LessonResult res;
        res.lesson.file = name;
        res.issues.push_back(LessonIssue{name, -1, "", error});
        return res;
    }
    const fs::path folder = fs::path(path).parent_path();
    return read_lesson_json(text, name, folder.empty() ? "." : folder.string());
}

}  // namespace gs
