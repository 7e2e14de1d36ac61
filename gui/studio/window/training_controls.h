// The training controls, in two toolbars. This one: Play/Pause (Space),
// step a batch (Right or S), step an epoch (Shift+Right), reset (R), the
// speed and the learning rate: what a class needs, and all that stays in
// presentation mode (compact), with the epoch count beside them. The other
// (settings_bar()): the backend, the seed, the batch size, the optimizer
// and the weight decay. Hyperparameters can change while a run goes on. The
// epoch, step, samples/s and elapsed time are a label the window keeps in
// its status bar (progress_label()), and in the bar itself when compact.
// Spin boxes and combo boxes take the mouse wheel only when focused.
#pragma once

#include <QDoubleSpinBox>
#include <QPointer>
#include <QToolBar>

#include "gradscope/backend_info.h"
#include "gradscope/session_types.h"
#include "gradscope/spec.h"

class QAction;
class QComboBox;
class QLabel;
class QSpinBox;

namespace gs::studio {

// A spin box for rates: the arrows multiply or divide by about 2 (1e-3,
// 2e-3, 5e-3, 1e-2...), and it shows as many digits as the value needs.
class RateSpinBox : public QDoubleSpinBox {
public:
    explicit RateSpinBox(QWidget* parent = nullptr);
    void stepBy(int steps) override;
    QString textFromValue(double value) const override;
    double valueFromText(const QString& text) const override;
    QValidator::State validate(QString& text, int& pos) const override;
};

class TrainingControls : public QToolBar {
    Q_OBJECT

public:
    explicit TrainingControls(QWidget* parent = nullptr);
    ~TrainingControls() override;

    QAction* play_action() const { return m_play; }
    QAction* step_action() const { return m_step; }
    QAction* step_epoch_action() const { return m_step_epoch; }
    QAction* reset_action() const { return m_reset; }
    // The second toolbar (backend, seed, batch, optimizer, weight decay),
    // for the window to place; its widgets stay this object's to manage.
    QToolBar* settings_bar() const { return m_settings.data(); }
    // Compact: icon-only buttons when `icons_only`, and the epoch and step
    // in the bar itself (the window hides the status bar and settings bar).
    void set_compact(bool compact, bool icons_only = false);
    bool compact() const { return m_compact; }

    // Shows spec's seed and hyperparameters (emits nothing).
    void set_spec(const ModelSpec& spec);
    // The backend chooser: usable ones selectable, the rest disabled with
    // the reason as tooltip.
    void set_backends(const std::vector<BackendInfo>& backends, const QString& current);
    QString backend() const;
    // Play is enabled only when there is something valid to train; the
    // reason it is not becomes its tooltip.
    void set_can_train(bool can, const QString& why_not);
    void set_state(SessionState state);
    // Steps per second while running (0: full speed). A value not in the
    // list is added to it.
    double speed() const;
    void set_speed(double steps_per_second);
    // Epoch, step, samples/s and elapsed seconds.
    void set_progress(int epoch, long step, double samples_per_s, double seconds);
    QString progress_text() const;
    QString bar_progress_text() const;  // the compact bar's shorter read-out
    // The epoch / step / samples/s / elapsed read-out, for the window to place.
    QLabel* progress_label() const { return m_progress; }

signals:
    void hyperparameterChanged(const QString& name, double value);
    void optimizerChanged(const QString& type);
    void seedChanged(int seed);
    void backendChanged(const QString& name);
    // A field was edited and left (Enter): the window gives the focus back.
    void editingDone();

private:
    QAction* m_play;
    QAction* m_step;
    QAction* m_step_epoch;
    QAction* m_reset;
    QComboBox* m_backend;
    QSpinBox* m_seed;
    RateSpinBox* m_lr;
    QSpinBox* m_batch;
    QComboBox* m_optimizer;
    RateSpinBox* m_decay;
    QComboBox* m_speed;
    QLabel* m_progress;
    QLabel* m_bar_progress;         // in this bar, while compact
    QAction* m_bar_progress_action;
    QPointer<QToolBar> m_settings;  // the window's once placed: it may go first
    bool m_compact = false;
    bool m_updating = false;
    bool m_can_train = true;
    QString m_why_not;
    SessionState m_state = SessionState::Idle;
};

}  // namespace gs::studio
