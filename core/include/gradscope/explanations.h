// Explanations in words for the views of what a classifier learned: the
// confusion matrix, the most confident mistakes, distributions and
// histograms over time, the data map and its lists. Each says what the view
// shows, how to read it and what to do about what one sees, as short text
// constants that every front end shows beside its view (the monitor now,
// the studio's views later), so the words are written once. The describe_*
// functions add a sentence about the data in hand ("Shirt is taken for
// T-shirt/top 14% of the time").
#pragma once

#include <string>
#include <vector>

#include "gradscope/confusion.h"
#include "gradscope/data_map.h"

namespace gs {

enum class ExplainedView {
    Confusion,      // the confusion matrix, counts or row-normalized
    Mistakes,       // the most confidently misclassified items
    Distributions,  // percentile bands of weights, gradients, activations over steps
    Histograms,     // stacked (ridge) histograms over steps
    DataMap,        // variability against confidence, one dot per training item
    DataMapRegions, // region counts over epochs
    DataMapLists,   // never learned, most forgotten, likely mislabeled
};

struct ViewExplanation {
    ExplainedView view;
    const char* id;      // "confusion"
    const char* title;   // "Confusion matrix"
    const char* what;    // what it shows
    const char* read;    // how to read it
    const char* act;     // what to do about what you see
};

// Every view's explanation, in the order of ExplainedView.
const std::vector<ViewExplanation>& view_explanations();
const ViewExplanation& explanation_of(ExplainedView v);
// The three parts as one paragraph each, separated by blank lines.
std::string explanation_text(const ViewExplanation& e);

// One or two sentences about a confusion record: the accuracy, and the pair
// of classes most often confused ("" for an empty matrix).
std::string describe_confusion(const ConfusionRecord& r);
// About a data map summary: how much is easy, ambiguous and hard, and how
// many items look mislabeled or were never learned ("" before any is seen).
std::string describe_data_map(const DataMapSummary& s);

}  // namespace gs
