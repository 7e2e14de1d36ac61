// The explanations of the views (gradscope/explanations.h), written once.
#include "gradscope/explanations.h"

#include <cmath>
#include <cstdio>

namespace gs {

const std::vector<ViewExplanation>& view_explanations() {
    static const std::vector<ViewExplanation> t = {
        {ExplainedView::Confusion, "confusion", "Confusion matrix",
         "How the validation items of each true class (rows) were classified (columns), counted at "
         "the end of an epoch.",
         "The diagonal holds the right answers. A bright cell off the diagonal is a pair of classes the "
         "network mixes up: row 'Shirt', column 'T-shirt/top' counts shirts taken for T-shirts. "
         "Row-normalized, each row adds up to 100%, so a rare class's mistakes show as clearly as a "
         "common one's.",
         "Look at the images of the worst cell: if they are truly alike, the network needs more "
         "capacity, more epochs or more examples of that pair; if their labels look wrong, check the "
         "data. A whole row spread thin means a class it has not learned at all."},
        {ExplainedView::Mistakes, "mistakes", "Most confident mistakes",
         "The validation items the network got wrong while being surest of its answer: item, true "
         "label, the class it predicted and the probability it gave that class.",
         "A mistake made at 99% is not a near miss: either the item is unusual, or its label is "
         "wrong, or the network learned a shortcut. The same pair of classes again and again points "
         "at the confusion matrix's brightest cell.",
         "Open these items: a wrong label is fixed in the data, not in the network. Many confident "
         "mistakes late in training, while the training accuracy keeps rising, are a sign of "
         "overfitting."},
        {ExplainedView::Distributions, "distributions", "Distributions over time",
         "For one layer, how its weights, their gradients or its outputs are spread, step by step: "
         "bands between percentiles (the lightest from the minimum to the maximum, then 7-93%, "
         "16-84%, 31-69%) around the median line, as TensorBoard's distributions.",
         "Weights should drift slowly and widen a little; a band that shoots up or collapses to a "
         "line shows exploding or dead weights. Gradients that shrink by orders of magnitude from "
         "the last layer to the first are vanishing; outputs of a ReLU stuck at zero are dead "
         "units; a sigmoid or tanh pinned at its limits is saturated.",
         "Exploding: lower the learning rate or clip gradients. Vanishing or saturated: use ReLU, "
         "He initialization or BatchNorm. Dead ReLUs: a lower learning rate or LeakyReLU."},
        {ExplainedView::Histograms, "histograms", "Histograms over time",
         "The same values as stacked histograms: one curve per sample, the oldest at the back (top) "
         "and the newest in front (bottom), each over the value axis.",
         "Follow how the shape moves: a peak sliding sideways is a shift of the whole layer, one "
         "spreading is growth, one piling up at a point (zero after a ReLU, the limits of a "
         "sigmoid) is units that stopped learning.",
         "Compare the first and last curves: little change in a layer's weights while the loss "
         "stalls means that layer is not learning (see its gradients)."},
        {ExplainedView::DataMap, "datamap", "Data map",
         "Every training item as a dot: its confidence (the mean probability the network gave its "
         "label across epochs) against its variability (how much that probability changed from "
         "epoch to epoch), coloured by how often it was classified right (Swayamdipta et al., "
         "2020).",
         "Top left: easy to learn (sure and steady). Right: ambiguous (the network keeps changing "
         "its mind); these items teach it the most. Bottom left: hard to learn (steadily unsure of "
         "the label); many mislabeled items end up there.",
         "Inspect the hard-to-learn corner for wrong labels. Training on the ambiguous items "
         "generalizes best; the easy ones can be trimmed from a very large set."},
        {ExplainedView::DataMapRegions, "datamap-regions", "Regions over epochs",
         "How many training items are easy to learn, ambiguous or hard to learn after each epoch.",
         "Early on most items are hard or ambiguous; as the network learns they move to easy. A "
         "hard-to-learn group that stops shrinking is what the network cannot (or should not) fit: "
         "atypical or mislabeled items.",
         "When the easy count stops growing, more epochs mostly memorize the rest: a moment to stop, "
         "or to look at the lists."},
        {ExplainedView::DataMapLists, "datamap-lists", "Never learned, most forgotten, likely mislabeled",
         "Never learned: items never classified right. Most forgotten: items most often right at one "
         "epoch and wrong at the next (forgetting events, Toneva et al., 2019). Likely mislabeled: "
         "hard to learn while the network is sure of another class.",
         "Each row gives the item's place in the training split, its label, the class the network "
         "prefers and with what probability, its mean confidence and its forgetting events.",
         "Check the likely-mislabeled items first: on Fashion-MNIST with labels flipped on purpose, "
         "this list holds most of them. Forgotten items are the borderline cases; never-learned ones "
         "are outliers or wrong labels."},
    };
    return t;
}

const ViewExplanation& explanation_of(ExplainedView v) {
    for (const ViewExplanation& e : view_explanations())
        if (e.view == v) return e;
    return view_explanations().front();
}

std::string explanation_text(const ViewExplanation& e) {
    return std::string(e.what) + "\n\n" + e.read + "\n\n" + e.act;
}

namespace {

std::string percent(double f) {
    char b[32];
    std::snprintf(b, sizeof b, "%.0f%%", 100.0 * f);
    return b;
}

}  // namespace

std::string describe_confusion(const ConfusionRecord& r) {
    const double acc = confusion_accuracy(r);
    if (acc < 0) return "";
    std::string s = percent(acc) + " of the " + (r.split.empty() ? std::string("validation") : r.split) +
                    " items are classified right.";
    const auto pairs = most_confused_pairs(r, 1);
    if (!pairs.empty())
        s += " Most often confused: " + class_label(r, pairs[0].truth) + " taken for " +
             class_label(r, pairs[0].predicted) + " (" + std::to_string(pairs[0].count) + " items, " +
             percent(pairs[0].rate) + " of that class).";
    return s;
}

std::string describe_data_map(const DataMapSummary& s) {
    if (s.seen == 0) return "";
    const double n = static_cast<double>(s.seen);
    // Appended piece by piece (GCC 12 warns falsely about long + chains).
    std::string t = "After epoch ";
    t += std::to_string(s.epoch);
    t += ": ";
    t += percent(s.easy / n);
    t += " easy to learn, ";
    t += percent(s.ambiguous / n);
    t += " ambiguous, ";
    t += percent(s.hard / n);
    t += " hard to learn.";
    if (s.mislabeled) {
        t += ' ';
        t += std::to_string(s.mislabeled);
        t += " items look mislabeled: hard to learn while the network is sure of another class.";
    }
    if (s.never_learned) {
        t += ' ';
        t += std::to_string(s.never_learned);
        t += " were never classified right.";
    }
    return t;
}

}  // namespace gs
