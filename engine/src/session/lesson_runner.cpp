// Playing a lesson headless (gradscope/lesson_runner.h): each step opens its
// model in a new Session (or goes on with the last one), applies its
// settings and hand-set weights as session commands, then plays in chunks of
// exact steps (Session::step) until its wait is met, its cap is reached or
// the run stops itself. The wait is judged by core's LessonWatch, as in the
// studio's lesson player.
#include "gradscope/lesson_runner.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "gradscope/equations.h"
#include "gradscope/error.h"
#include "gradscope/presets.h"
#include "gradscope/session.h"
#include "gradscope/validate.h"
#include "session/step_trace.h"
#include "gradscope/names.h"

namespace gs {

namespace fs = std::filesystem;

std::vector<std::string> lesson_dirs() {
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("GRADSCOPE_ASSETS")) dirs.push_back(std::string(env) + "/lessons");
    dirs.push_back(std::string(GS_ASSET_DIR) + "/lessons");
    dirs.push_back("assets/lessons");
    return dirs;
}

std::vector<std::string> lesson_names() {
    std::vector<std::string> names;
    for (const auto& d : lesson_dirs()) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(d, ec)) {
            if (e.path().extension() != ".json") continue;
            const std::string n = e.path().stem().string();
            if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string find_lesson(const std::string& name_or_path) {
    std::error_code ec;
    if (fs::is_regular_file(name_or_path, ec)) return name_or_path;
    if (name_or_path.find('/') == std::string::npos)
        for (const auto& d : lesson_dirs()) {
            const fs::path p = fs::path(d) / (name_or_path + ".json");
            if (fs::is_regular_file(p, ec)) return p.string();
        }
    std::string list;
    for (const auto& n : lesson_names()) list += (list.empty() ? "" : ", ") + n;
    throw Error("no lesson named '" + name_or_path + "'" + (list.empty() ? "" : "; the lessons are: " + list));
}

ModelSpec lesson_step_spec(const LessonStep& step) {
    if (!step.preset.empty()) return load_preset(step.preset);
    if (step.has_spec) return step.spec;
    throw Error("the step opens no model");
}

namespace {

const char* model_field(const LessonStep& st) {
    return !st.preset.empty() ? "preset" : !st.project.empty() ? "project" : "spec";
}

}  // namespace

std::vector<LessonIssue> check_lesson(const Lesson& lesson, bool open_data) {
    std::vector<LessonIssue> issues;
    ModelSpec current;
    bool have = false;
    for (size_t i = 0; i < lesson.steps.size(); ++i) {
        const LessonStep& st = lesson.steps[i];
        auto add = [&](const std::string& field, const std::string& message) {
            issues.push_back(LessonIssue{lesson.file, static_cast<int>(i), field, message});
        };
        if (st.opens_model()) {
            have = false;
            try {
                current = lesson_step_spec(st);
            } catch (const std::exception& e) {
                add(model_field(st), e.what());
                continue;
            }
            std::vector<SpecIssue> problems = validate_spec(current);
            for (const SpecIssue& p : problems) add(model_field(st), p.str());
            if (!problems.empty()) continue;
            if (open_data) {
                try {
                    prepare_data(current);
                } catch (const std::exception& e) {
                    add(model_field(st), std::string("its data: ") + e.what());
                    continue;
                }
            }
            have = true;
        }
        if (!have) continue;  // the model this step goes on with was reported already
        if (st.run == "trace")
            if (std::string why = trace_refusal(current); !why.empty()) add("run", why);
        for (size_t k = 0; k < st.set.size(); ++k) {
            const ParameterEdit& e = st.set[k];
            const std::string f = "set[" + std::to_string(k) + "]";
            std::vector<LayerInfo> info;
            validate_spec(current, &info);
            if (e.layer >= static_cast<int>(current.layers.size()) ||
                current.layers[static_cast<size_t>(e.layer)].type != "Dense") {
                add(f + ".layer", "layer " + std::to_string(e.layer) + " of the model is not a Dense layer");
                continue;
            }
            const LayerSpec& l = current.layers[static_cast<size_t>(e.layer)];
            const int inputs = static_cast<int>(info[static_cast<size_t>(e.layer)].in.numel());
            if (e.unit >= l.units) add(f + ".unit", "the layer has units 0 to " + std::to_string(l.units - 1));
            if (e.param == "weight" && e.input >= inputs)
                add(f + ".input", "the layer has inputs 0 to " + std::to_string(inputs - 1));
            if (e.param == "bias" && !l.bias) add(f + ".param", "the layer has no bias");
        }
    }
    return issues;
}

namespace {

using Clock = std::chrono::steady_clock;

// One lesson step in a session; returns "" when it met its wait, else why not.
class StepPlayer {
public:
    StepPlayer(const Lesson& lesson, size_t index, const LessonRunOptions& o)
        : m_lesson(lesson), m_index(index), m_step(lesson.steps[index]), m_o(o) {}

    // The failure named like a reader's issue.
    std::string fail(const std::string& field, const std::string& why) const {
        return LessonIssue{m_lesson.file, static_cast<int>(m_index), field, why}.str();
    }

    std::string settings(Session& s, OptimizerSpec& optimizer) const {
        const LessonSettings& set = m_step.settings;
        for (const auto& [name, value] : set.hyperparameters) {
            if (CommandResult r = s.set_hyperparameter(name, value); !r) return fail("settings." + name, r.reason);
            const HyperparameterName* h = find_hyperparameter(name);
            if (!h) continue;  // set_hyperparameter refused it above
            switch (h->kind) {
                case Hyperparameter::Lr: optimizer.lr = static_cast<float>(value); break;
                case Hyperparameter::Momentum: optimizer.momentum = static_cast<float>(value); break;
                case Hyperparameter::WeightDecay: optimizer.weight_decay = static_cast<float>(value); break;
                case Hyperparameter::ClipNorm: optimizer.clip_norm = static_cast<float>(value); break;
                case Hyperparameter::BatchSize:
                case Hyperparameter::StepsPerSecond: break;  // not the optimizer's
            }
        }
        if (!set.optimizer.empty()) {
            optimizer.type = set.optimizer;
            if (CommandResult r = s.set_optimizer(optimizer); !r) return fail("settings.optimizer", r.reason);
        }
        for (const auto& [name, value] : set.breakpoints)
            if (CommandResult r = s.set_breakpoint(name, value); !r)
                return fail("settings.breakpoints." + name, r.reason);
        for (size_t k = 0; k < m_step.set.size(); ++k)
            if (CommandResult r = s.set_parameter(m_step.set[k]); !r)
                return fail("set[" + std::to_string(k) + "]", r.reason);
        return "";
    }

    std::string trace(Session& s, long& steps) const {
        if (CommandResult r = s.trace_next_step(); !r) return fail("run", r.reason);
        if (CommandResult r = s.step(1); !r) return fail("run", r.reason);
        if (!s.wait_until_settled(600)) return fail("run", "the traced step did not finish");
        auto t = s.latest_trace();
        if (!t) return fail("run", "the step was not traced");
        steps = 1;
        if (m_o.say) {
            m_o.say("  traced step " + std::to_string(t->step) + ", the first neuron of the first layer:");
            for (const std::string& e : neuron_equations(*t, 0, 0, t->example)) m_o.say("    " + e);
        }
        return "";
    }

    std::string play(Session& s, long& steps, std::string& outcome) const {
        const LessonWait& w = m_step.wait;
        LessonWatch watch(w, s.steps_done());
        long breaks = s.break_count();
        while (!watch.met()) {
            if (watch.exhausted())
                return fail("wait", "not met within " + std::to_string(w.max_steps) + " steps (wait.max_steps): " +
                                        watch.progress());
            long chunk = std::min(m_o.chunk > 0 ? m_o.chunk : 10, w.max_steps - watch.steps());
            if (w.steps > 0) chunk = std::min(chunk, w.steps - watch.steps());
            if (w.step > 0) chunk = std::min(chunk, std::max(1L, w.step - s.steps_done()));
            if (CommandResult r = s.step(chunk); !r) return fail("wait", "the run cannot go on: " + r.reason);
            if (!s.wait_until_settled(600)) return fail("wait", "the run did not pause within 10 minutes");
            TelemetryStore t;  // just this chunk's records
            s.drain(t);
            const std::vector<SeriesPoint> loss = t.loss().points(), acc = t.accuracy().points();
            for (size_t k = 0; k < loss.size(); ++k)
                watch.add_step(static_cast<long>(loss[k].x), loss[k].mean, k < acc.size() ? acc[k].mean : -1.0f);
            steps = watch.steps();
            if (s.break_count() == breaks) continue;
            breaks = s.break_count();
            const BreakInfo b = s.last_break();
            watch.add_break(b.kind);
            if (watch.met()) break;
            return fail("wait", "the run stopped before " + w.describe() + ": " + b.message);
        }
        steps = watch.steps();
        outcome = w.any() ? w.describe() + " — met " + watch.progress().substr(0, watch.progress().find(" — "))
                          : "played";
        return "";
    }

private:
    const Lesson& m_lesson;
    size_t m_index;
    const LessonStep& m_step;
    const LessonRunOptions& m_o;
};

}  // namespace

LessonReport run_lesson(const Lesson& lesson, Backend& backend, const LessonRunOptions& o) {
    LessonReport rep;
    const auto start = Clock::now();
    std::unique_ptr<Session> session;
    OptimizerSpec optimizer;
    SessionOptions so;
    so.threads = o.threads;
    rep.ok = true;
    for (size_t i = 0; i < lesson.steps.size() && rep.ok; ++i) {
        const LessonStep& st = lesson.steps[i];
        const auto t0 = Clock::now();
        LessonStepReport r;
        r.index = static_cast<int>(i);
        r.title = st.title;
        StepPlayer player(lesson, i, o);
        if (o.say) {
            o.say("step " + std::to_string(i + 1) + "/" + std::to_string(lesson.steps.size()) +
                  (st.title.empty() ? "" : ": " + st.title) + "  [" + id_of(st.view) + "]");
            o.say("  " + st.text);
        }
        std::string error;
        try {
            if (st.opens_model()) {
                const ModelSpec spec = lesson_step_spec(st);
                session.reset();
                session = std::make_unique<Session>(spec, prepare_data(spec), backend, so);
                optimizer = spec.optimizer;
            } else if (!session) {
                error = player.fail("", "no model to go on with");
            } else if (st.reset) {
                session->reset();
            }
            if (error.empty()) error = player.settings(*session, optimizer);
            if (error.empty() && st.run == "trace") error = player.trace(*session, r.steps);
            else if (error.empty() && st.run == "play") error = player.play(*session, r.steps, r.outcome);
            else if (error.empty()) r.outcome = "paused";
            if (error.empty() && st.run == "trace") r.outcome = "one traced step";
        } catch (const std::exception& e) {
            error = player.fail("", e.what());
        }
        r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        r.met = error.empty();
        if (!r.met) r.outcome = error;
        if (o.say) o.say(std::string(r.met ? "  ok: " : "  FAILED: ") + r.outcome);
        rep.ok = r.met;
        rep.steps.push_back(std::move(r));
    }
    rep.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return rep;
}

}  // namespace gs
