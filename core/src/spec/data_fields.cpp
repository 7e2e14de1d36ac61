// The data fields of the classroom, read and written with the rest of a
// spec's "data": classes (multi-class 2-D sets), points (a drawn set:
// [[x, y, class], ...]) and features (input features of 2-D data). Reading
// checks the form and the bounds (at most kMaxDataPoints points, classes
// below kMaxPointClasses, known and distinct feature ids); what depends on
// the set's name is the engine's validation.
#include <cmath>
#include <limits>

#include "spec/spec_detail.h"

namespace gs::spec_detail {

namespace {

constexpr int kMaxPointIssues = 5;  // a bad drawn set reports its first few points

// x or y of a point: a finite number a float holds.
bool point_coordinate(const Json& v, float& out) {
    if (!v.is_number()) return false;
    const double d = v.get<double>();
    if (!std::isfinite(d) || std::abs(d) > std::numeric_limits<float>::max()) return false;
    out = static_cast<float>(d);
    return true;
}

void read_points(const Json& v, DataSpec& d, const Where& w) {
    if (!v.is_array()) {
        w.add("points", "expects a list of points [[x, y, class], ...], got " + describe(v));
        return;
    }
    if (v.size() > static_cast<size_t>(kMaxDataPoints)) {
        w.add("points", grouped(v.size()) + " points; a drawn set holds at most " +
                            grouped(kMaxDataPoints) + " — draw fewer or use a CSV file");
        return;
    }
    int bad = 0;
    d.points.clear();
    d.points.reserve(v.size());
    for (size_t i = 0; i < v.size(); ++i) {
        const Json& p = v[i];
        DataPoint pt;
        std::string why;
        if (!p.is_array() || p.size() != 3)
            why = "expects [x, y, class], got " + describe(p);
        else if (!point_coordinate(p[0], pt.x) || !point_coordinate(p[1], pt.y))
            why = "x and y must be finite numbers, got " + inline_json(p);
        else if (!p[2].is_number_integer() || p[2].get<int64_t>() < 0 ||
                 p[2].get<int64_t>() >= kMaxPointClasses)
            why = "the class must be an integer from 0 to " + std::to_string(kMaxPointClasses - 1) +
                  ", got " + describe(p[2]);
        else
            pt.label = static_cast<int>(p[2].get<int64_t>());
        if (!why.empty()) {
            if (++bad <= kMaxPointIssues) w.add("points", "point " + std::to_string(i + 1) + ": " + why);
            continue;
        }
        d.points.push_back(pt);
    }
    if (bad > kMaxPointIssues)
        w.add("points", std::to_string(bad - kMaxPointIssues) + " more points are malformed");
}

void read_features(const Json& v, DataSpec& d, const Where& w) {
    const std::vector<std::string> ids = name_ids(input_feature_table());
    if (!v.is_array()) {
        w.add("features", "expects a list such as [\"x1\", \"x2\", \"x1^2\"], got " + describe(v));
        return;
    }
    if (v.empty()) {
        w.add("features", "lists no inputs — leave it out for the point itself (x1, x2), or use " +
                              join(ids));
        return;
    }
    d.features.clear();
    for (const Json& f : v) {
        if (!f.is_string()) {
            w.add("features", "expects feature names such as \"x1^2\", got " + describe(f));
            continue;
        }
        const std::string id = f.get<std::string>();
        if (!find_input_feature(id)) {
            const std::string guess = closest(id, ids);
            w.add("features", "unknown feature " + squote(id) +
                                  (guess.empty() ? "; use " + join(ids)
                                                 : "; did you mean " + squote(guess) + "?"));
            continue;
        }
        bool twice = false;
        for (const std::string& have : d.features) twice |= have == id;
        if (twice) {
            w.add("features", squote(id) + " is listed twice — each input once");
            continue;
        }
        d.features.push_back(id);
    }
}

}  // namespace

void read_data_extras(const Json& data, DataSpec& d, std::vector<SpecIssue>& issues) {
    const Where w{&issues, -1, "", "data."};
    if (auto it = data.find("classes"); it != data.end() && !it->is_null()) {
        if (!it->is_number_integer())
            w.add("classes", "expects an integer, got " + describe(*it));
        else if (w.check("classes", it->get<int64_t>(), IntRange{0, kMaxPointClasses}))
            d.classes = static_cast<int>(it->get<int64_t>());
    }
    if (auto it = data.find("points"); it != data.end() && !it->is_null()) read_points(*it, d, w);
    if (auto it = data.find("features"); it != data.end() && !it->is_null())
        read_features(*it, d, w);
}

void write_data_extras(const DataSpec& d, Json& data, Json (*number)(float)) {
    if (d.classes != 0) data["classes"] = d.classes;
    if (!d.features.empty()) data["features"] = d.features;
    if (!d.points.empty()) {
        Json points = Json::array();
        for (const DataPoint& p : d.points) points.push_back(Json::array({number(p.x), number(p.y), p.label}));
        data["points"] = std::move(points);
    }
}

}  // namespace gs::spec_detail
