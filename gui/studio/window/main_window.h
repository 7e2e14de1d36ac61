// The studio's main window: the network editor and the data on the left,
// the network canvas in the middle, the layer inspector on the right, the
// loss/accuracy and gradient-flow plots at the bottom, the training
// controls in a toolbar. Docks move and the layout is remembered. It wires
// the views to the SessionBridge and owns the project (File menu), the
// presets, presentation mode and the breakpoint banner.
#pragma once

#include <QMainWindow>
#include <QString>
#include <QElapsedTimer>
#include <QTimer>

#include "gradscope/spec.h"
#include "project/project.h"
#include "theme.h"

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QPushButton;

namespace gs::studio {

class DatasetPanel;
class GradientFlowView;
class LayerInspector;
class LearnedViews;
class NetworkCanvas;
class NetworkEditor;
class SessionBridge;
class TrainingControls;
class TrainingPlot;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens a preset / a spec as a new, unsaved project. False (with the
    // reason on screen) if it cannot.
    bool open_preset(const QString& name);
    void open_spec(const ModelSpec& spec);
    // Project files. False with the reason shown (and in *error) on failure.
    bool open_project(const QString& path, QString* error = nullptr);
    bool save_project_as(const QString& path, QString* error = nullptr);
    Project current_project() const;
    QString project_path() const { return m_project_path; }

    // Larger text, thicker lines, the colour-blind-safe palette, only the
    // canvas and the curves; full screen unless told otherwise (screenshots).
    void set_presentation(bool on, bool full_screen = true);
    bool presentation() const { return m_theme.presentation; }
    const Theme& theme() const { return m_theme; }
    // Selects a layer (spec index) in every view that shows layers.
    void select_layer(int layer);
    int selected_layer() const { return m_selected; }

    SessionBridge* bridge() const { return m_bridge; }
    NetworkEditor* editor() const { return m_editor; }
    NetworkCanvas* canvas() const { return m_canvas; }
    TrainingPlot* training_plot() const { return m_plot; }
    GradientFlowView* gradient_flow() const { return m_flow; }
    LayerInspector* inspector() const { return m_inspector; }
    DatasetPanel* data_panel() const { return m_data; }
    TrainingControls* controls() const { return m_controls; }
    // Confusion, mistakes, histograms over time, data map (views/learned_views.h).
    LearnedViews* learned_views() const { return m_learned; }
    // The banner over the canvas ("" when hidden): breakpoints and load errors.
    QString banner_text() const;
    // Runs bridge()->tick() and refreshes every view now (tests, screenshots).
    void refresh_now();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void build_views();
    void build_menus();
    void build_file_menu();
    void connect_bridge();
    void load_current();         // (re)build the session for m_spec
    void schedule_load();        // after edits settle
    void spec_edited();
    void data_edited();
    void session_changed();
    void telemetry_updated();
    void breakpoint_hit();
    void update_can_train();
    void show_banner(const QString& text, bool error);
    void hide_banner();
    void apply_theme();
    void update_title();
    void add_recent(const QString& path);
    void rebuild_recent_menu();
    void export_png(QWidget* view, const QString& what);
    void export_csv(bool gradient_flow);
    void restore_layout();

    Theme m_theme = Theme::standard();
    ModelSpec m_spec;
    QString m_backend = QStringLiteral("cpu");
    QString m_project_path;
    QString m_load_error;
    int m_selected = -1;
    bool m_syncing = false;
    bool m_awaiting_session = false;  // edited: the current session is the old network's  // pushing a spec into views: their change signals are ours
    QTimer m_load_timer;
    QElapsedTimer m_inspector_clock;

    SessionBridge* m_bridge;
    NetworkEditor* m_editor = nullptr;
    DatasetPanel* m_data = nullptr;
    NetworkCanvas* m_canvas = nullptr;
    LayerInspector* m_inspector = nullptr;
    TrainingPlot* m_plot = nullptr;
    GradientFlowView* m_flow = nullptr;
    TrainingControls* m_controls = nullptr;
    LearnedViews* m_learned = nullptr;
    QWidget* m_banner = nullptr;
    QLabel* m_banner_label = nullptr;
    QLabel* m_loading = nullptr;
    QMenu* m_recent_menu = nullptr;
    QAction* m_presentation_action = nullptr;
    QAction* m_test_points_action = nullptr;
    QAction* m_gradients_action = nullptr;
    QAction* m_stop_on_nan_action = nullptr;
    QByteArray m_default_state;
    QByteArray m_state_before_presentation;
};

}  // namespace gs::studio
