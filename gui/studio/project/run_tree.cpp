// The run tree of a project as JSON.
#include "project/run_tree.h"

#include <QFileInfo>
#include <nlohmann/json.hpp>

#include "bridge/files.h"
#include "gradscope/error.h"

namespace gs::studio {

namespace {

using nlohmann::json;

const json& field(const json& j, const char* name, json::value_t type, const std::string& where) {
    auto it = j.find(name);
    if (it == j.end()) throw Error(where + ": '" + name + "' is missing");
    const bool number = type == json::value_t::number_integer;
    if (number ? !it->is_number_integer() : it->type() != type)
        throw Error(where + ": '" + name + "' has the wrong type");
    return *it;
}

}  // namespace

bool RunTreeEntry::operator==(const RunTreeEntry& o) const {
    return info.id == o.info.id && info.uid == o.info.uid && info.name == o.info.name &&
           info.parent == o.info.parent && info.parent_uid == o.info.parent_uid &&
           info.parent_name == o.info.parent_name && info.fork_step == o.info.fork_step &&
           info.changes == o.info.changes && info.colour == o.info.colour && visible == o.visible &&
           steps == o.steps && checkpoint == o.checkpoint;
}

QString run_tree_path(const QString& project_path) { return project_path + QStringLiteral(".runs.json"); }

QString run_states_dir(const QString& project_path) { return project_path + QStringLiteral(".runs"); }

std::string run_tree_to_json(const std::vector<RunTreeEntry>& runs) {
    json out = {{"format", kRunTreeFormat}, {"runs", json::array()}};
    for (const RunTreeEntry& r : runs) {
        json changes = json::array();
        for (const RunChange& c : r.info.changes) changes.push_back({{"name", c.name}, {"old", c.old_value}, {"new", c.new_value}});
        out["runs"].push_back({{"id", r.info.id},
                               {"uid", r.info.uid},
                               {"name", r.info.name},
                               {"parent", r.info.parent == kNoRun ? -1 : static_cast<long>(r.info.parent)},
                               {"parent_uid", r.info.parent_uid},
                               {"parent_name", r.info.parent_name},
                               {"fork_step", r.info.fork_step},
                               {"changes", changes},
                               {"colour", r.info.colour},
                               {"visible", r.visible},
                               {"steps", r.steps},
                               {"checkpoint", r.checkpoint}});
    }
    return out.dump(2) + "\n";
}

std::vector<RunTreeEntry> run_tree_from_json(const std::string& text) {
    json j;
    try {
        j = json::parse(text);
    } catch (const std::exception& e) {
        throw Error(std::string("not JSON: ") + e.what());
    }
    if (!j.is_object()) throw Error("not a run tree (an object was expected)");
    if (j.value("format", std::string()) != kRunTreeFormat)
        throw Error(std::string("not a run tree of format ") + kRunTreeFormat);
    const json& runs = field(j, "runs", json::value_t::array, "the run tree");
    std::vector<RunTreeEntry> out;
    for (size_t i = 0; i < runs.size(); ++i) {
        const std::string where = "run " + std::to_string(i + 1);
        const json& r = runs[i];
        if (!r.is_object()) throw Error(where + ": not an object");
        RunTreeEntry e;
        const long id = field(r, "id", json::value_t::number_integer, where).get<long>();
        if (id < 0 || id >= static_cast<long>(kNoRun)) throw Error(where + ": 'id' is out of range");
        e.info.id = static_cast<uint32_t>(id);
        e.info.uid = field(r, "uid", json::value_t::string, where).get<std::string>();
        e.info.name = field(r, "name", json::value_t::string, where).get<std::string>();
        const long parent = field(r, "parent", json::value_t::number_integer, where).get<long>();
        if (parent < -1 || parent >= static_cast<long>(kNoRun)) throw Error(where + ": 'parent' is out of range");
        e.info.parent = parent < 0 ? kNoRun : static_cast<uint32_t>(parent);
        e.info.parent_uid = field(r, "parent_uid", json::value_t::string, where).get<std::string>();
        e.info.parent_name = field(r, "parent_name", json::value_t::string, where).get<std::string>();
        e.info.fork_step = field(r, "fork_step", json::value_t::number_integer, where).get<long>();
        if (e.info.fork_step < -1) throw Error(where + ": 'fork_step' is negative");
        for (const json& c : field(r, "changes", json::value_t::array, where)) {
            if (!c.is_object()) throw Error(where + ": a change is not an object");
            e.info.changes.push_back({field(c, "name", json::value_t::string, where).get<std::string>(),
                                      field(c, "old", json::value_t::string, where).get<std::string>(),
                                      field(c, "new", json::value_t::string, where).get<std::string>()});
        }
        const long colour = field(r, "colour", json::value_t::number_integer, where).get<long>();
        if (colour < 0 || colour > 1000000) throw Error(where + ": 'colour' is out of range");
        e.info.colour = static_cast<int>(colour);
        e.visible = field(r, "visible", json::value_t::boolean, where).get<bool>();
        e.steps = field(r, "steps", json::value_t::number_integer, where).get<long>();
        if (e.steps < 0) throw Error(where + ": 'steps' is negative");
        e.checkpoint = field(r, "checkpoint", json::value_t::string, where).get<std::string>();
        out.push_back(std::move(e));
    }
    return out;
}

void save_run_tree(const QString& path, const std::vector<RunTreeEntry>& runs) {
    write_file_atomically(path.toStdString(), run_tree_to_json(runs));
}

std::vector<RunTreeEntry> load_run_tree(const QString& path) {
    const std::string text = read_whole_file(path.toStdString());
    try {
        return run_tree_from_json(text);
    } catch (const Error& e) {
        throw Error(path.toStdString() + ": " + e.what());
    }
}

}  // namespace gs::studio
