// A project: what the studio saves in a .gradscope file (JSON): the model
// spec (with its data and hyperparameters), the backend, how the window was
// laid out, and optionally the run so far: its trained weights (a
// checkpoint beside the file) and its curves, so that reopening shows where
// the class left off. Written atomically; a bad file is an error that says
// what is wrong, never a crash (nor a stack overflow: nesting is bounded).
#pragma once

#include <QByteArray>
#include <QString>
#include <map>
#include <optional>
#include <string>

#include "bridge/run_history.h"
#include "gradscope/spec.h"

namespace gs::studio {

struct ViewSettings {
    QByteArray geometry, state;  // QMainWindow::saveGeometry / saveState
    double smoothing = 0.6;
    bool log_scale = false;
    bool show_test_points = false;
    bool show_gradients = false;
    bool presentation = false;
    int probe = 0;
    bool operator==(const ViewSettings&) const = default;
};

// The run saved with a project: the weights file (a name beside the
// project file, or an absolute path) and the curves up to its step.
struct SavedRun {
    QString weights;
    long step = 0;
    RunHistory history;
};

struct Project {
    ModelSpec spec;
    QString backend = QStringLiteral("cpu");
    bool stop_on_nonfinite = true;
    double steps_per_second = 0;  // the speed limit (0: full speed)
    // Condition breakpoints: loss_above, grad_norm_above, ... -> threshold.
    std::map<std::string, double> breakpoints;
    ViewSettings view;
    std::optional<SavedRun> run;  // only when saved with its weights
    bool operator==(const Project& o) const;
};

inline constexpr const char* kProjectFormat = "gradscope-project-1";
// Arrays and objects in a project file nest at most this deep (a project
// needs about 6); deeper is refused before anything else is read.
inline constexpr int kMaxProjectNesting = 64;

// The project as JSON text, and back. from_json throws gs::Error naming the
// problem (and every spec issue) for anything it cannot use.
std::string project_to_json(const Project& p);
Project project_from_json(const std::string& text);
// Files; errors name the file.
void save_project(const QString& path, const Project& p);
Project load_project(const QString& path);
// Where a run's weights are: the project's directory joined with run.weights.
QString run_weights_path(const QString& project_path, const SavedRun& run);
// The file name a project at `project_path` gives its weights ("p.weights.safetensors").
QString weights_name_for(const QString& project_path);

}  // namespace gs::studio
