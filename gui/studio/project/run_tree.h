// The run tree a project keeps beside its .gradscope file, in
// "<project>.runs.json": every run of the family (the first run and its
// forks) with who it is (RunInfo: id, uid, name, parent, the step it was
// forked at, what it changed, colour), whether its curves are shown, how
// many steps it had, and the checkpoint of its newest state when the
// states were saved too ("<project>.runs/<run>.safetensors"). Written
// atomically; reading checks every value and names the file and field.
#pragma once

#include <QString>
#include <string>
#include <vector>

#include "gradscope/run_info.h"

namespace gs::studio {

struct RunTreeEntry {
    RunInfo info;
    bool visible = true;
    long steps = 0;
    std::string checkpoint;  // relative to the project's folder ("" : not saved)
    bool operator==(const RunTreeEntry& o) const;
};

inline constexpr const char* kRunTreeFormat = "gradscope-runs-1";

// Where a project's run tree and its runs' checkpoints go.
QString run_tree_path(const QString& project_path);
QString run_states_dir(const QString& project_path);

std::string run_tree_to_json(const std::vector<RunTreeEntry>& runs);
// Throws gs::Error naming the problem.
std::vector<RunTreeEntry> run_tree_from_json(const std::string& text);
void save_run_tree(const QString& path, const std::vector<RunTreeEntry>& runs);
std::vector<RunTreeEntry> load_run_tree(const QString& path);

}  // namespace gs::studio
