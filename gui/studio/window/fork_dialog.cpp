// ForkDialog: a form of the settings a fork may change.
#include "window/fork_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QPushButton>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <cmath>

#include "gradscope/names.h"

namespace gs::studio {

namespace {

bool builtin_data(const DataSpec& d) {
    return d.path.empty() && d.name != "points" && d.name != "fashion-mnist";
}

// Changed by the person: the box holds another value than it was given (the
// parent's value as the box shows it, rounded to its decimals and range, so
// a float such as 0.09f that the box cannot hold exactly is no change).
bool changed(const QDoubleSpinBox* box) { return box->value() != box->property("shown").toDouble(); }

void remember_shown(QDoubleSpinBox* box) { box->setProperty("shown", box->value()); }

}  // namespace

ForkDialog::ForkDialog(const ModelSpec& spec, const QString& parent_name, long step, QWidget* parent)
    : QDialog(parent), m_spec(spec) {
    setWindowTitle(QStringLiteral("Fork"));
    auto* form = new QFormLayout(this);
    form->addRow(new QLabel(QStringLiteral("A new run from <b>%1</b> at step %L2; the original stays as it was.")
                                .arg(parent_name.toHtmlEscaped())
                                .arg(step)));
    m_name = new QLineEdit;
    m_name->setPlaceholderText(QStringLiteral("made from the changes"));
    form->addRow(QStringLiteral("Name"), m_name);
    m_lr = new QDoubleSpinBox;
    m_lr->setDecimals(6);
    m_lr->setRange(1e-6, 10);
    m_lr->setSingleStep(0.001);
    m_lr->setValue(spec.optimizer.lr);
    form->addRow(QStringLiteral("Learning rate"), m_lr);
    m_optimizer = new QComboBox;
    for (const OptimizerName& o : optimizer_table())
        m_optimizer->addItem(QString::fromLatin1(o.label), QString::fromLatin1(o.id));
    m_optimizer->setCurrentIndex(std::max(0, m_optimizer->findData(QString::fromStdString(spec.optimizer.type))));
    form->addRow(QStringLiteral("Optimizer"), m_optimizer);
    m_batch = new QSpinBox;
    m_batch->setRange(1, 65536);
    m_batch->setValue(spec.batch_size);
    form->addRow(QStringLiteral("Batch size"), m_batch);
    m_decay = new QDoubleSpinBox;
    m_decay->setDecimals(6);
    m_decay->setRange(0, 1);
    m_decay->setSingleStep(0.0001);
    m_decay->setValue(spec.optimizer.weight_decay);
    form->addRow(QStringLiteral("Weight decay"), m_decay);
    m_schedule = new QComboBox;
    for (const ScheduleName& s : schedule_table())
        m_schedule->addItem(QString::fromLatin1(s.label), QString::fromLatin1(s.id));
    m_schedule->setCurrentIndex(std::max(0, m_schedule->findData(QString::fromStdString(spec.schedule.type))));
    form->addRow(QStringLiteral("Schedule"), m_schedule);
    m_noise = new QDoubleSpinBox;
    m_noise->setDecimals(3);
    m_noise->setRange(0, 10);
    m_noise->setSingleStep(0.05);
    m_noise->setValue(spec.data.noise);
    m_noise->setEnabled(builtin_data(spec.data));
    if (!m_noise->isEnabled()) m_noise->setToolTip(QStringLiteral("Only a built-in data set can be made again with other noise"));
    form->addRow(QStringLiteral("Data noise"), m_noise);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(QStringLiteral("Fork"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
    for (QDoubleSpinBox* box : {m_lr, m_decay, m_noise}) remember_shown(box);
}

ForkSpec ForkDialog::changes() const {
    ForkSpec f;
    f.name = m_name->text().trimmed().toStdString();
    const std::string type = m_optimizer->currentData().toString().toStdString();
    if (type != m_spec.optimizer.type) {
        OptimizerSpec o = m_spec.optimizer;
        o.type = type;
        f.optimizer = o;
    }
    if (changed(m_lr)) f.lr = static_cast<float>(m_lr->value());
    if (changed(m_decay)) f.weight_decay = static_cast<float>(m_decay->value());
    if (m_batch->value() != m_spec.batch_size) f.batch_size = m_batch->value();
    const std::string schedule = m_schedule->currentData().toString().toStdString();
    if (schedule != m_spec.schedule.type) {
        ScheduleSpec s = m_spec.schedule;
        s.type = schedule;
        f.schedule = s;
    }
    if (m_noise->isEnabled() && changed(m_noise)) f.noise = static_cast<float>(m_noise->value());
    return f;
}

}  // namespace gs::studio
