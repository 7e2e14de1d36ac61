// The training toolbar: Play/Pause (Space), step a batch (Right or S), step
// an epoch (Shift+Right), reset (R); the backend, the seed; the learning
// rate, batch size, optimizer and weight decay, which can change while a
// run goes on; and the epoch, step, samples/s and elapsed time (a label the
// window keeps in its status bar, always in view).
#pragma once

#include <QDoubleSpinBox>
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

    QAction* play_action() const { return m_play; }
    QAction* step_action() const { return m_step; }
    QAction* step_epoch_action() const { return m_step_epoch; }
    QAction* reset_action() const { return m_reset; }

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
    // Steps per second while running (0: full speed).
    double speed() const;
    void set_speed(double steps_per_second);
    // Epoch, step, samples/s and elapsed seconds.
    void set_progress(int epoch, long step, double samples_per_s, double seconds);
    QString progress_text() const;
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
    bool m_updating = false;
    bool m_can_train = true;
    QString m_why_not;
    SessionState m_state = SessionState::Idle;
};

}  // namespace gs::studio
