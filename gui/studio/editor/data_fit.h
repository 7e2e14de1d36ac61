// Whether a network fits the data it is to train on, in the editor's words.
// The engine validates a spec without its data (gs::validate_spec), so its
// advice on the loss is generic ("for two classes use binary cross-entropy
// with a final Sigmoid"), and a wrong class count only shows when a session
// fails to start. Once the data is known (DataFacts, from the open data),
// these say what to change for this data: "the data has 3 classes: make the
// last Dense layer 3 units and replace the Sigmoid with Softmax".
#pragma once

#include <QString>
#include <vector>

#include "gradscope/spec.h"

namespace gs::studio {

struct DataFacts {
    int classes = -1;     // -1: no data known; 0: regression
    int target_size = 1;  // floats per target (regression)
    QString name;         // the data's name as people read it ("three", "spiral")
    bool known() const { return classes >= 0; }
};

// The mismatch between the model (spec, with analyze_spec's layer info) and
// the data, with what to change; "" when it fits or nothing is known.
QString data_fit_problem(const gs::ModelSpec& spec, const std::vector<gs::LayerInfo>& info, const DataFacts& data);

// An engine message (already in people's words) whose generic suggestion
// does not fit the data, with the data's suggestion in its place; the
// message as it was otherwise.
QString with_data_suggestion(const QString& message, const gs::ModelSpec& spec, const DataFacts& data);

}  // namespace gs::studio
