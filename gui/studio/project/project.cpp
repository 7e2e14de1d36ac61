// Projects as JSON: written and read through the bridge, the spec validated.
#include "project/project.h"

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
    return spec_to_json(spec) == spec_to_json(o.spec) && backend == o.backend &&
           stop_on_nonfinite == o.stop_on_nonfinite && steps_per_second == o.steps_per_second &&
           breakpoints == o.breakpoints && view == o.view;
}

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

}  // namespace

Project project_from_json(const std::string& text) {
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
    return p;
}

void save_project(const QString& path, const Project& p) {
    write_file_atomically(path.toStdString(), project_to_json(p));
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
