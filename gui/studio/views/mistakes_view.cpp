// The most confident mistakes, as a gallery.
#include "views/mistakes_view.h"

#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

#include "gradscope/explanations.h"
#include "views/explanation_box.h"
#include "views/item_gallery.h"

namespace gs::studio {

MistakesView::MistakesView(QWidget* parent) : QWidget(parent) {
    auto* col = new QVBoxLayout(this);
    m_gallery = new ItemGallery;
    auto* scroll = new QScrollArea;
    scroll->setWidget(m_gallery);
    scroll->setWidgetResizable(true);
    col->addWidget(scroll, 1);
    col->addWidget(explanation_box(
        QString::fromStdString(explanation_text(explanation_of(ExplainedView::Mistakes))) +
            QStringLiteral("\n\nClick an item to make it the probe: the canvas shows what each layer makes of it."),
        &m_explanation));
    connect(m_gallery, &ItemGallery::itemClicked, this, [this](int item) {
        m_chosen = item;
        emit itemChosen(item);
    });
    clear();
}

void MistakesView::set_data(const DataView& data) {
    m_data = data;
    m_gallery->set_source(data.probe_split, data.class_names);
    clear();
}

void MistakesView::clear() {
    m_step = -2;
    m_chosen = -1;
    m_gallery->set_items({});
    m_gallery->set_caption(QStringLiteral("No mistakes yet: they come from the validation pass at each epoch's end."));
}

void MistakesView::set_theme(const Theme& theme) { m_gallery->set_theme(theme); }

QString MistakesView::explanation() const { return m_explanation->text(); }

void MistakesView::set_snapshot(std::shared_ptr<const Snapshot> snapshot) {
    if (!snapshot || snapshot->classes < 2 || snapshot->confusion_step == m_step) return;
    m_step = snapshot->confusion_step;
    std::vector<GalleryItem> items;
    for (const Snapshot::Mistake& m : snapshot->mistakes) items.push_back({m.item, m.label, m.predicted, m.confidence});
    m_gallery->set_caption(
        items.empty() ? QStringLiteral("No mistakes on the %1 split at step %2.").arg(m_data.probe_split_name).arg(m_step)
                      : QStringLiteral("The %1 most confident mistakes on the %2 split (step %3): label → prediction, "
                                       "its probability")
                            .arg(items.size())
                            .arg(m_data.probe_split_name)
                            .arg(m_step));
    m_gallery->set_items(std::move(items));
}

}  // namespace gs::studio
