// ForkDialog: what a fork changes — learning rate, optimizer, batch size,
// weight decay, schedule, data noise — and its name. It starts at the
// parent's settings; only what the person changes goes into the ForkSpec,
// so everything else goes on as the parent had it at the step forked from.
#pragma once

#include <QDialog>

#include "gradscope/run_info.h"
#include "gradscope/spec.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace gs::studio {

class ForkDialog : public QDialog {
    Q_OBJECT

public:
    ForkDialog(const ModelSpec& parent_spec, const QString& parent_name, long step, QWidget* parent = nullptr);

    // The changes from the parent's settings (none set: a fork that changes nothing).
    ForkSpec changes() const;

    QDoubleSpinBox* lr() const { return m_lr; }
    QComboBox* optimizer() const { return m_optimizer; }
    QSpinBox* batch_size() const { return m_batch; }
    QDoubleSpinBox* weight_decay() const { return m_decay; }
    QComboBox* schedule() const { return m_schedule; }
    QDoubleSpinBox* noise() const { return m_noise; }
    QLineEdit* name() const { return m_name; }

private:
    ModelSpec m_spec;
    QDoubleSpinBox* m_lr;
    QComboBox* m_optimizer;
    QSpinBox* m_batch;
    QDoubleSpinBox* m_decay;
    QComboBox* m_schedule;
    QDoubleSpinBox* m_noise;
    QLineEdit* m_name;
};

}  // namespace gs::studio
