// Projects as JSON: written and read through the bridge, the spec validated.
#include "project/project.h"

#include <QDir>
#include <QFileInfo>
#include <climits>
#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "bridge/files.h"
#include "bridge/spec_service.h"
#include "gradscope/error.h"

namespace gs::studio {

using nlohmann::json;

bool Project::operator==(const Project& o) const {
    auto same_run = [](const std::optional<SavedRun>& a, const std::optional<SavedRun>& b) {
        if (a.has_value() != b.has_value()) return false;
        return !a || (a->weights == b->weights && a->step == b->step &&
                      a->history.loss.size() == b->history.loss.size() &&
                      a->history.epochs.size() == b->history.epochs.size());
    };
    return spec_to_json(spec) == spec_to_json(o.spec) && backend == o.backend &&
           stop_on_nonfinite == o.stop_on_nonfinite && steps_per_second == o.steps_per_second &&
           breakpoints == o.breakpoints && view == o.view && same_run(run, o.run);
}

namespace {

json points_json(const std::vector<SeriesPoint>& pts) {
    json a = json::array();
    for (const SeriesPoint& p : pts) a.push_back({p.x, p.mean, p.min, p.max, p.count});
    return a;
}

json run_json(const SavedRun& r) {
    json epochs = json::array();
    for (const EpochRecord& e : r.history.epochs)
        epochs.push_back({e.epoch, e.step, e.train_loss, e.train_accuracy, e.has_validation, e.val_loss,
                          e.val_accuracy});
    json events = json::array();
    for (const EventRecord& e : r.history.events)
        events.push_back({{"step", e.step}, {"kind", e.kind}, {"name", e.name}, {"value", e.value}, {"text", e.text}});
    return {{"weights", r.weights.toStdString()},
            {"step", r.step},
            {"curves",
             {{"loss", points_json(r.history.loss)},
              {"accuracy", points_json(r.history.accuracy)},
              {"epochs", epochs},
              {"events", events}}}};
}

}  // namespace

std::string project_to_json(const Project& p) {
    json view = {
        {"geometry", p.view.geometry.toBase64().toStdString()},
        {"state", p.view.state.toBase64().toStdString()},
        {"smoothing", p.view.smoothing},
        {"log_scale", p.view.log_scale},
        {"show_test_points", p.view.show_test_points},
        {"show_gradients", p.view.show_gradients},
        {"presentation", p.view.presentation},
        {"probe", p.view.probe},
    };
    json j = {
        {"format", kProjectFormat},
        {"spec", json::parse(spec_to_json(p.spec))},
        {"backend", p.backend.toStdString()},
        {"stop_on_nonfinite", p.stop_on_nonfinite},
        {"steps_per_second", p.steps_per_second},
        {"breakpoints", p.breakpoints},
        {"view", view},
    };
    if (p.run) j["run"] = run_json(*p.run);
    return j.dump(2) + "\n";
}

namespace {

template <typename T>
T field(const json& obj, const char* key, T fallback) {
    auto it = obj.find(key);
    if (it == obj.end()) return fallback;
    try {
        return it->get<T>();
    } catch (const json::exception&) {
        throw Error(std::string("\"") + key + "\" has the wrong type");
    }
}

// A whole number from 0 to INT_MAX (a fraction, a negative number or one too
// large for an int is refused: converting it would be undefined).
int index_field(const json& obj, const char* key) {
    const double v = field<double>(obj, key, 0.0);
    if (!(v >= 0 && v <= INT_MAX && v == std::floor(v)))
        throw Error(std::string("\"") + key + "\" must be a whole number from 0 to " +
                    std::to_string(INT_MAX));
    return static_cast<int>(v);
}

QByteArray base64_field(const json& obj, const char* key) {
    return QByteArray::fromBase64(QByteArray::fromStdString(field<std::string>(obj, key, "")));
}

// Refuses text whose arrays and objects nest deeper than the limit, before
// it is parsed (reading and writing nested JSON recurse once per level).
void check_nesting(const std::string& text) {
    int depth = 0, line = 1;
    bool in_string = false, escaped = false;
    for (const char c : text) {
        if (c == '\n') ++line;
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') in_string = true;
        else if (c == '[' || c == '{') {
            if (++depth > kMaxProjectNesting)
                throw Error("arrays and objects nest more than " + std::to_string(kMaxProjectNesting) +
                            " levels deep (at line " + std::to_string(line) +
                            "); a project needs far fewer — is this a Gradscope project?");
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
}

std::vector<SeriesPoint> points_from(const json& a, const char* what) {
    std::vector<SeriesPoint> out;
    if (!a.is_array()) throw Error(std::string("\"run\": \"") + what + "\" must be an array of points");
    for (const json& p : a) {
        if (!p.is_array() || p.size() != 5) throw Error(std::string("\"run\": a point of \"") + what + "\" is not [x, mean, min, max, count]");
        SeriesPoint q;
        q.x = p[0].get<double>();
        q.mean = p[1].get<float>();
        q.min = p[2].get<float>();
        q.max = p[3].get<float>();
        q.count = p[4].get<uint32_t>();
        out.push_back(q);
    }
    return out;
}

SavedRun run_from(const json& r) {
    if (!r.is_object()) throw Error("\"run\" must be an object");
    SavedRun out;
    out.weights = QString::fromStdString(field<std::string>(r, "weights", ""));
    if (out.weights.isEmpty()) throw Error("\"run\" names no \"weights\" file");
    out.step = field<long>(r, "step", 0);
    if (out.step < 0) throw Error("\"run\": \"step\" must be 0 or more");
    out.history.step = out.step;
    const json c = r.value("curves", json::object());
    try {
        if (c.contains("loss")) out.history.loss = points_from(c["loss"], "loss");
        if (c.contains("accuracy")) out.history.accuracy = points_from(c["accuracy"], "accuracy");
        for (const json& e : c.value("epochs", json::array())) {
            EpochRecord x;
            x.epoch = e.at(0).get<int>();
            x.step = e.at(1).get<long>();
            x.train_loss = e.at(2).get<float>();
            x.train_accuracy = e.at(3).get<float>();
            x.has_validation = e.at(4).get<bool>();
            x.val_loss = e.at(5).get<float>();
            x.val_accuracy = e.at(6).get<float>();
            out.history.epochs.push_back(x);
        }
        for (const json& e : c.value("events", json::array()))
            out.history.events.push_back(EventRecord{e.at("step").get<long>(), e.at("kind").get<std::string>(),
                                                     e.at("name").get<std::string>(), e.at("value").get<double>(),
                                                     e.at("text").get<std::string>()});
    } catch (const json::exception&) {
        throw Error("\"run\": the saved curves are not in the form this version writes");
    }
    return out;
}

}  // namespace

Project project_from_json(const std::string& text) {
    check_nesting(text);
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {  // parse_error, and out_of_range for a number like 1e999
        throw Error(std::string("not valid JSON: ") + e.what());
    }
    if (!j.is_object()) throw Error("not a Gradscope project (expected a JSON object)");
    const std::string format = field<std::string>(j, "format", "");
    if (format != kProjectFormat)
        throw Error(format.empty() ? "not a Gradscope project (no \"format\")"
                                   : "unknown project format '" + format + "' (this version reads " +
                                         kProjectFormat + ")");
    if (!j.contains("spec") || !j["spec"].is_object()) throw Error("the project has no \"spec\" object");
    SpecResult r = read_validated_spec(j["spec"].dump());
    if (!r.ok()) throw Error("its model does not validate:\n" + r.message());
    Project p;
    p.spec = r.spec;
    p.backend = QString::fromStdString(field<std::string>(j, "backend", "cpu"));
    p.stop_on_nonfinite = field<bool>(j, "stop_on_nonfinite", true);
    p.steps_per_second = field<double>(j, "steps_per_second", 0.0);
    if (!(p.steps_per_second >= 0)) throw Error("\"steps_per_second\" must be 0 (full speed) or more");
    if (auto it = j.find("breakpoints"); it != j.end()) {
        if (!it->is_object()) throw Error("\"breakpoints\" must be an object of condition: threshold");
        for (const auto& [name, value] : it->items()) {
            if (!value.is_number()) throw Error("breakpoint \"" + name + "\" needs a number");
            p.breakpoints[name] = value.get<double>();
        }
    }
    if (auto it = j.find("view"); it != j.end() && it->is_object()) {
        const json& v = *it;
        p.view.geometry = base64_field(v, "geometry");
        p.view.state = base64_field(v, "state");
        p.view.smoothing = field<double>(v, "smoothing", p.view.smoothing);
        p.view.log_scale = field<bool>(v, "log_scale", false);
        p.view.show_test_points = field<bool>(v, "show_test_points", false);
        p.view.show_gradients = field<bool>(v, "show_gradients", false);
        p.view.presentation = field<bool>(v, "presentation", false);
        p.view.probe = index_field(v, "probe");
    }
    if (auto it = j.find("run"); it != j.end() && !it->is_null()) p.run = run_from(*it);
    return p;
}

void save_project(const QString& path, const Project& p) {
    write_file_atomically(path.toStdString(), project_to_json(p));
}

QString run_weights_path(const QString& project_path, const SavedRun& run) {
    return QFileInfo(run.weights).isAbsolute() ? run.weights
                                               : QFileInfo(project_path).dir().filePath(run.weights);
}

QString weights_name_for(const QString& project_path) {
    QString base = QFileInfo(project_path).fileName();
    if (base.endsWith(QLatin1String(".gradscope"))) base.chop(10);
    return base + QStringLiteral(".weights.safetensors");
}

Project load_project(const QString& path) {
    const std::string text = read_whole_file(path.toStdString());
    try {
        return project_from_json(text);
    } catch (const Error& e) {
        throw Error(path.toStdString() + ": " + e.what());
    }
}

}  // namespace gs::studio
