// A project: what the studio saves in a .gradscope file (JSON): the model
// spec (with its data and hyperparameters), the backend, and how the
// window was laid out. Written atomically; a bad file is an error that says
// what is wrong, never a crash.
#pragma once

#include <QByteArray>
#include <QString>
#include <map>
#include <string>

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

struct Project {
    ModelSpec spec;
    QString backend = QStringLiteral("cpu");
    bool stop_on_nonfinite = true;
    double steps_per_second = 0;  // the speed limit (0: full speed)
    // Condition breakpoints: loss_above, grad_norm_above, ... -> threshold.
    std::map<std::string, double> breakpoints;
    ViewSettings view;
    bool operator==(const Project& o) const;
};

inline constexpr const char* kProjectFormat = "gradscope-project-1";

// The project as JSON text, and back. from_json throws gs::Error naming the
// problem (and every spec issue) for anything it cannot use.
std::string project_to_json(const Project& p);
Project project_from_json(const std::string& text);
// Files; errors name the file.
void save_project(const QString& path, const Project& p);
Project load_project(const QString& path);

}  // namespace gs::studio
