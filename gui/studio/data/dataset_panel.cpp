// The dataset panel: the source combo and its fields, the status line and the preview.
#include "data/dataset_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include "canvas/dataset_preview.h"
#include "wheel_guard.h"

namespace gs::studio {

namespace {

struct Source {
    const char* name;
    const char* label;
    bool builtin;
    bool file;  // path is a file (csv), else a folder
};

const Source kSources[] = {
    {"spiral", "Spiral (2 classes)", true, false},
    {"circle", "Circle (2 classes)", true, false},
    {"xor", "XOR (2 classes)", true, false},
    {"gaussian", "Gaussian clusters (2 classes)", true, false},
    {"moons", "Moons (2 classes)", true, false},
    {"multi-gaussian", "Regression: Gaussian bumps", true, false},
    {"plane", "Regression: plane", true, false},
    {"line", "Regression: line", true, false},
    {"fashion-mnist", "Fashion-MNIST (installed)", false, false},
    {"idx", "IDX files (MNIST and relatives)…", false, false},
    {"cifar10", "CIFAR-10 binary folder…", false, false},
    {"csv", "CSV file…", false, true},
    {"folder", "Image folder (one folder per class)…", false, false},
};

const Source* find_source(const QString& name) {
    for (const auto& s : kSources)
        if (name == QLatin1String(s.name)) return &s;
    return nullptr;
}

}  // namespace

DatasetPanel::DatasetPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);  // a narrow dock: the probe row under its name
    m_source = new QComboBox;
    const bool fashion = fashion_mnist_installed();
    for (const auto& s : kSources) {
        if (QLatin1String(s.name) == QLatin1String("fashion-mnist") && !fashion) continue;
        m_source->addItem(QString::fromUtf8(s.label), QString::fromLatin1(s.name));
    }
    m_source->setToolTip(fashion ? QString()
                                 : QStringLiteral("Fashion-MNIST appears here once Debian's "
                                                  "dataset-fashion-mnist package is installed"));
    form->addRow(QStringLiteral("Data"), m_source);

    m_samples = new QSpinBox;
    m_samples->setRange(4, 100000);
    m_samples->setSingleStep(100);
    m_samples->setToolTip(QStringLiteral("How many points the built-in set has"));
    form->addRow(QStringLiteral("Points"), m_samples);
    m_noise = new QDoubleSpinBox;
    m_noise->setRange(0, 5);
    m_noise->setSingleStep(0.05);
    m_noise->setDecimals(2);
    form->addRow(QStringLiteral("Noise"), m_noise);
    m_test_percent = new QSpinBox;
    m_test_percent->setRange(0, 90);
    m_test_percent->setSuffix(QStringLiteral(" %"));
    m_test_percent->setToolTip(QStringLiteral("Held out for testing (sets without a test split of their own)"));
    form->addRow(QStringLiteral("Test"), m_test_percent);
    m_validation_percent = new QSpinBox;
    m_validation_percent->setRange(0, 50);
    m_validation_percent->setSuffix(QStringLiteral(" %"));
    m_validation_percent->setToolTip(QStringLiteral("Of the training split, held out for validation every epoch"));
    form->addRow(QStringLiteral("Validation"), m_validation_percent);

    auto* path_row = new QHBoxLayout;
    m_path = new QLineEdit;
    m_path->setPlaceholderText(QStringLiteral("choose a file or folder"));
    m_browse = new QPushButton(QStringLiteral("Browse…"));
    path_row->addWidget(m_path, 1);
    path_row->addWidget(m_browse);
    m_path_label = new QLabel(QStringLiteral("Path"));
    form->addRow(m_path_label, path_row);
    // Any item of the probe split, by number or page by page.
    m_probe_row = new QWidget;
    auto* probe_row = new QHBoxLayout(m_probe_row);
    probe_row->setContentsMargins(0, 0, 0, 0);
    m_probe = new QSpinBox;
    m_probe->setObjectName(QStringLiteral("probe_item"));
    m_probe->setKeyboardTracking(false);  // on Enter or the arrows, not every digit
    m_probe->setToolTip(QStringLiteral("The item whose path through the network the canvas shows"));
    m_prev_page = new QPushButton(QStringLiteral("‹"));
    m_next_page = new QPushButton(QStringLiteral("›"));
    m_prev_page->setToolTip(QStringLiteral("The previous 64 items"));
    m_next_page->setToolTip(QStringLiteral("The next 64 items"));
    for (QPushButton* b : {m_prev_page, m_next_page}) {
        b->setFixedWidth(b->fontMetrics().horizontalAdvance(QStringLiteral("›")) + 22);
        b->setFocusPolicy(Qt::NoFocus);
    }
    probe_row->addWidget(m_probe, 1);
    probe_row->addWidget(m_prev_page);
    probe_row->addWidget(m_next_page);
    m_probe_label = new QLabel(QStringLiteral("Probe item"));
    form->addRow(m_probe_label, m_probe_row);
    m_probe_row->hide();  // until image data opens
    m_probe_label->hide();
    layout->addLayout(form);

    // Scrolling the panel leaves the values alone; a narrow dock shrinks the fields.
    for (QWidget* w : std::initializer_list<QWidget*>{m_source, m_samples, m_noise, m_test_percent,
                                                      m_validation_percent, m_probe}) {
        take_wheel_only_when_focused(w);
        w->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
        w->setMinimumWidth(64);
    }
    m_path->setMinimumWidth(40);

    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    m_by_map = new QCheckBox(QStringLiteral("Colour by the data map"));
    m_by_map->setObjectName(QStringLiteral("colour_by_map"));
    m_by_map->setToolTip(QStringLiteral("Colour each training point by how often the network got it right "
                                        "(red: never, yellow: sometimes, teal: always), as the data map does"));
    m_by_map->setFocusPolicy(Qt::TabFocus);
    m_by_map->hide();  // until 2-D classification data opens
    layout->addWidget(m_by_map);
    m_preview = new DatasetPreview;
    m_preview->setMinimumHeight(160);
    layout->addWidget(m_preview, 1);

    connect(m_source, &QComboBox::currentIndexChanged, this, &DatasetPanel::source_changed);
    connect(m_by_map, &QCheckBox::toggled, m_preview, &DatasetPreview::set_colour_by_map);
    // A value takes effect when it is left (Enter, focus out) or shortly
    // after the arrows stop; leaving a field unchanged changes nothing.
    m_settle.setSingleShot(true);
    m_settle.setInterval(400);
    connect(&m_settle, &QTimer::timeout, this, &DatasetPanel::emit_if_changed);
    auto soon = [this] {
        if (!m_updating) m_settle.start();
    };
    connect(m_samples, &QSpinBox::valueChanged, this, soon);
    connect(m_noise, &QDoubleSpinBox::valueChanged, this, soon);
    connect(m_test_percent, &QSpinBox::valueChanged, this, soon);
    connect(m_validation_percent, &QSpinBox::valueChanged, this, soon);
    for (QAbstractSpinBox* box : std::initializer_list<QAbstractSpinBox*>{m_samples, m_noise, m_test_percent,
                                                                           m_validation_percent})
        connect(box, &QAbstractSpinBox::editingFinished, this, &DatasetPanel::emit_if_changed);
    connect(m_path, &QLineEdit::editingFinished, this, &DatasetPanel::emit_if_changed);
    connect(m_browse, &QPushButton::clicked, this, &DatasetPanel::browse);
    connect(m_preview, &DatasetPreview::probeChosen, this, &DatasetPanel::probeChosen);
    connect(m_probe, &QSpinBox::valueChanged, this, &DatasetPanel::choose_probe);
    connect(m_prev_page, &QPushButton::clicked, this, &DatasetPanel::previous_page);
    connect(m_next_page, &QPushButton::clicked, this, &DatasetPanel::next_page);
    connect(m_preview, &DatasetPreview::selectionChanged, this, [this](int item) {
        if (item < 0) return;
        const QSignalBlocker block(m_probe);
        m_probe->setValue(item);
    });
    DataSpec spiral;
    spiral.name = "spiral";
    set_data_spec(spiral);
}

QStringList DatasetPanel::sources() const {
    QStringList out;
    for (int i = 0; i < m_source->count(); ++i) out << m_source->itemData(i).toString();
    return out;
}

void DatasetPanel::set_data_spec(const DataSpec& data) {
    m_updating = true;
    m_spec = data;
    int index = m_source->findData(QString::fromStdString(data.name));
    if (index < 0) {
        // A name the combo does not list (e.g. "synthetic" from a spec file): show it as is.
        m_source->addItem(QString::fromStdString(data.name), QString::fromStdString(data.name));
        index = m_source->count() - 1;
    }
    m_source->setCurrentIndex(index);
    m_samples->setValue(data.samples);
    m_noise->setValue(data.noise);
    m_test_percent->setValue(qRound(data.test_fraction * 100));
    m_validation_percent->setValue(qRound(data.validation_fraction * 100));
    m_path->setText(QString::fromStdString(data.path));
    update_fields();
    m_applied = data_spec();
    m_settle.stop();
    m_updating = false;
}

void DatasetPanel::emit_if_changed() {
    m_settle.stop();
    if (m_updating) return;
    const DataSpec d = data_spec();
    if (d.name == m_applied.name && d.path == m_applied.path && d.samples == m_applied.samples &&
        d.noise == m_applied.noise && d.test_fraction == m_applied.test_fraction &&
        d.validation_fraction == m_applied.validation_fraction)
        return;
    m_applied = d;
    emit dataSpecChanged();
}

DataSpec DatasetPanel::data_spec() const {
    DataSpec d = m_spec;
    d.name = m_source->currentData().toString().toStdString();
    const Source* s = find_source(QString::fromStdString(d.name));
    const bool builtin = s && s->builtin;
    if (builtin) {
        d.samples = m_samples->value();
        d.noise = static_cast<float>(m_noise->value());
        d.path.clear();
    } else {
        d.path = d.name == "fashion-mnist" ? std::string() : m_path->text().trimmed().toStdString();
    }
    d.test_fraction = static_cast<float>(m_test_percent->value() / 100.0);
    d.validation_fraction = static_cast<float>(m_validation_percent->value() / 100.0);
    return d;
}

void DatasetPanel::update_fields() {
    const Source* s = find_source(m_source->currentData().toString());
    const bool builtin = !s || s->builtin;
    const bool needs_path = s && !s->builtin && QLatin1String(s->name) != QLatin1String("fashion-mnist");
    m_samples->setEnabled(builtin);
    m_noise->setEnabled(builtin);
    m_path->setVisible(needs_path);
    m_browse->setVisible(needs_path);
    m_path_label->setVisible(needs_path);
    // Sets with a test split of their own ignore the fraction.
    const bool own_test = s && (QLatin1String(s->name) == QLatin1String("fashion-mnist") ||
                                QLatin1String(s->name) == QLatin1String("idx") ||
                                QLatin1String(s->name) == QLatin1String("cifar10"));
    m_test_percent->setEnabled(!own_test);
}

void DatasetPanel::source_changed() {
    update_fields();
    // The combo may be narrower than its text: the whole of it on hover.
    m_source->setToolTip(m_source->currentText() +
                         (fashion_mnist_installed() ? QString()
                                                    : QStringLiteral("\nFashion-MNIST appears here once Debian's "
                                                                     "dataset-fashion-mnist package is installed")));
    if (m_updating) return;
    const Source* s = find_source(m_source->currentData().toString());
    if (s && !s->builtin && QLatin1String(s->name) != QLatin1String("fashion-mnist") &&
        m_path->text().trimmed().isEmpty()) {
        browse();  // a file source needs its path first
        return;
    }
    emit_if_changed();
}

void DatasetPanel::browse() {
    const Source* s = find_source(m_source->currentData().toString());
    if (!s) return;
    const QString start = m_path->text().isEmpty() ? QDir::homePath() : m_path->text();
    const QString path =
        s->file ? QFileDialog::getOpenFileName(this, QStringLiteral("Open a CSV file"), start,
                                               QStringLiteral("CSV files (*.csv *.txt);;All files (*)"))
                : QFileDialog::getExistingDirectory(this, QStringLiteral("Choose the data folder"), start);
    if (path.isEmpty()) return;
    m_path->setText(path);
    emit_if_changed();
}

void DatasetPanel::set_status(const QString& text, bool error) {
    m_error = error;
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: %1;").arg(m_theme.error.name())
                                  : QStringLiteral("color: %1;").arg(m_theme.muted.name()));
}

QString DatasetPanel::status() const { return m_status->text(); }

void DatasetPanel::set_data(const DataView& data) {
    QString text = data.description;
    if (data.classes > 0) text += QStringLiteral("\n") + class_order_text(data.class_names);
    set_status(text);
    m_preview->set_data(data);
    const int n = static_cast<int>(std::min<size_t>(m_preview->split_size(), 2147483647u));
    {
        const QSignalBlocker block(m_probe);
        m_probe->setRange(0, std::max(0, n - 1));
        m_probe->setValue(0);
    }
    m_probe->setSuffix(QStringLiteral(" of %1").arg(QLocale().toString(n)));
    const bool images = m_preview->shows_images();
    m_probe_row->setVisible(images);
    m_probe_label->setVisible(images);
    m_by_map->setVisible(data.two_d && data.classes > 0);
    m_prev_page->setEnabled(n > DatasetPreview::kMaxImages);
    m_next_page->setEnabled(n > DatasetPreview::kMaxImages);
}

QString DatasetPanel::class_order_text(const QStringList& names, int shown) {
    const int n = static_cast<int>(names.size());
    QString list = names.mid(0, shown).join(QStringLiteral(", "));
    if (n > shown) list += QStringLiteral(" and %1 more").arg(n - shown);
    return QStringLiteral("%1 class%2: %3").arg(n).arg(n == 1 ? "" : "es", list);
}

void DatasetPanel::choose_probe() {
    const int item = m_probe->value();
    m_preview->set_selected_item(item);
    emit probeChosen(item);
}

void DatasetPanel::next_page() { m_preview->set_page(m_preview->page_start() + DatasetPreview::kMaxImages); }

void DatasetPanel::previous_page() {
    m_preview->set_page(std::max(0, m_preview->page_start() - DatasetPreview::kMaxImages));
}

void DatasetPanel::set_theme(const Theme& theme) {
    m_theme = theme;
    m_preview->set_theme(theme);
    set_status(m_status->text(), m_error);
}

}  // namespace gs::studio
