// The studio's main window: the network editor and the data on the left,
// the network canvas in the middle, the layer inspector on the right, the
// loss/accuracy and gradient-flow plots at the bottom, the training
// controls in two toolbars. Docks move and the layout is remembered (and
// kept on the screen). It wires the views to the SessionBridge and owns the
// project (File menu: save, open, export), the presets, presentation mode
// (laid out for the screen it is on), zoom, the banner, and the question
// before unsaved work is discarded. Split by feature: main_window.cpp (views
// and wiring), main_window_menus.cpp, presentation.cpp, keep_work.cpp.
#pragma once

#include <QMainWindow>
#include <QString>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QTimer>
#include <functional>
#include <optional>

#include "gradscope/spec.h"
#include "project/project.h"
#include "theme.h"

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QPushButton;

namespace gs::studio {

class BackendProbe;
class Classroom;
class DatasetPanel;
class GradientFlowView;
class LayerInspector;
class LearnedViews;
class NetworkCanvas;
class NetworkEditor;
class SessionBridge;
class TimeTravel;
class TrainingControls;
class TrainingPlot;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens a preset / a spec as a new, unsaved project. False (with the
    // reason on screen) if it cannot.
    // Both ask first (maybe_discard) when there is unsaved work.
    bool open_preset(const QString& name);
    void open_spec(const ModelSpec& spec);
    // Project files. False with the reason shown (and in *error) on failure,
    // or when the person chose to keep the unsaved work. A project saved
    // with its run reopens at its step, its curves and its weights.
    bool open_project(const QString& path, QString* error = nullptr);
    // with_run: also the trained weights (a checkpoint beside the project)
    // and the curves.
    bool save_project_as(const QString& path, QString* error = nullptr, bool with_run = false);
    Project current_project() const;
    QString project_path() const { return m_project_path; }
    // What saving the run with the project costs on disk, about ("1.3 MB").
    QString run_size_text() const;
    // File > Export: the model with its current weights as a PyTorch project
    // folder ("pytorch") or an ONNX file ("onnx"). False with the reason
    // shown (and in *error).
    bool export_model(const QString& format, const QString& path, QString* error = nullptr);

    // Unsaved work: the network, data, hyperparameters or breakpoints differ
    // from the project as opened or saved, or the run trained since.
    bool is_modified() const;
    // Asks Save / Discard / Cancel when there is unsaved work; true when it
    // may go (saved or discarded). `what` says what would discard it.
    bool maybe_discard(const QString& what);
    // The question maybe_discard asks (tests answer it without a dialog).
    using DiscardQuestion = std::function<QMessageBox::StandardButton(const QString& what)>;
    void set_discard_question(DiscardQuestion ask) { m_ask_discard = std::move(ask); }

    // Larger text, thicker lines, the colour-blind-safe palette, only the
    // canvas and the curves; full screen unless told otherwise (screenshots).
    void set_presentation(bool on, bool full_screen = true);
    bool presentation() const { return m_theme.presentation; }
    // The theme the views draw with: presentation or standard, times the zoom.
    Theme theme() const { return m_theme.scaled(m_zoom); }
    // Ctrl+plus / Ctrl+minus / Ctrl+0, as in a browser; remembered.
    double zoom() const { return m_zoom; }
    void set_zoom(double zoom);
    // Keeps the window on its screen (a size and place saved on a larger one).
    // Not in presentation (full screen is the screen), nor once told the size
    // is meant (screenshots at a given size on any screen).
    void fit_to_screen();
    void set_keep_on_screen(bool keep) { m_keep_on_screen = keep; }
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
    BackendProbe* backend_probe() const { return m_backends; }  // bridge/backends.h
    TimeTravel* time_travel() const { return m_time_travel; }  // the timeline, runs, races
    Classroom* classroom() const { return m_classroom; }  // issue 19: window/classroom.h
    // Trains on other data (a drawn set, input features) in the same project:
    // the input and, for more classes, the output follow (window/classroom.cpp).
    void apply_classroom_data(const DataSpec& data);
    // The banner over the canvas ("" when hidden): breakpoints and load errors.
    QString banner_text() const;
    // Runs bridge()->tick() and refreshes every view now (tests, screenshots).
    void refresh_now();

protected:
    void closeEvent(QCloseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;

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
    enum class BannerKind { None, LoadError, Break, Other };
    void show_banner(const QString& text, bool error, BannerKind kind = BannerKind::Other);
    void hide_banner();
    void apply_theme();
    void lay_out_for_screen();  // presentation: the canvas first, a strip of curves, one compact bar
    void arrange_toolbars();    // the settings bar beside the controls, or under them when narrow
    void size_docks();          // the side panels and the curves at their share of the window (first show)
    void update_title();
    std::string work_text() const;  // what counts as the work, as text (keep_work.cpp)
    void note_work_changed();   // after an edit: is the work still the saved one?
    void mark_saved();          // the current work is what is on disk (or a fresh preset)
    bool save_interactively(bool ask_about_run = true);
    void open_spec_as(const ModelSpec& spec, bool default_pace);
    void apply_pending_run();   // a project's weights and curves, once its session is there
    void apply_pending_tree();  // then its tree of runs (forks), beside it
    void tell_editor_about_data();  // H3: the open data's classes, for the editor's advice
    void add_recent(const QString& path);
    void rebuild_recent_menu();
    void export_png(QWidget* view, const QString& what);
    void export_csv(bool gradient_flow);
    void restore_layout();

    Theme m_theme = Theme::standard();  // unzoomed; theme() applies m_zoom
    double m_zoom = 1.0;
    ModelSpec m_spec;
    QString m_backend = QStringLiteral("cpu");
    BackendProbe* m_backends = nullptr;
    QString m_project_path;
    QString m_load_error;
    BannerKind m_banner_kind = BannerKind::None;
    QString m_banner_full;  // the banner's whole text (the label may show it shortened)
    // Never lose work: what was last opened or saved.
    std::string m_saved_work;  // the work that counts, as text (see work_text)
    long m_saved_steps = 0;
    bool m_work_differs = false;
    bool m_saved_with_run = false;
    DiscardQuestion m_ask_discard;
    // A project opened with a run: loaded into the session once it exists.
    std::optional<SavedRun> m_pending_run;
    QString m_pending_run_path;
    QString m_pending_tree;  // a project whose run tree is still to be opened
    ModelSpec m_opened_spec;  // as opened: an edit makes the description say so
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
    TimeTravel* m_time_travel = nullptr;
    Classroom* m_classroom = nullptr;
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
    bool m_laying_out = false;
    bool m_keep_on_screen = true;
    bool m_docks_sized = false;  // a saved layout, or sized once shown: the person's from then on
};

}  // namespace gs::studio
