// The tables of named things: every enum value has exactly one entry, ids are
// unique and read back to their kind, every entry has a label and a
// description, losses read their aliases, and lists are spelled out in table
// order (the order messages rely on).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "gradscope/names.h"

namespace gs {
namespace {

// Every kind 0..count-1 appears once, ids are unique, texts are there, and
// find_name(id) gives the entry back.
template <typename Entry>
void expect_complete(const std::vector<Entry>& table, int count, const char* what) {
    ASSERT_EQ(table.size(), static_cast<size_t>(count)) << what;
    std::set<int> kinds;
    std::set<std::string> ids;
    for (const Entry& e : table) {
        kinds.insert(static_cast<int>(e.kind));
        ids.insert(e.id);
        EXPECT_NE(std::string(e.label), "") << what << " " << e.id;
        EXPECT_NE(std::string(e.description), "") << what << " " << e.id;
        EXPECT_EQ(find_name(table, e.id), &e) << what << " " << e.id;
        EXPECT_EQ(&entry_of(table, e.kind), &e) << what << " " << e.id;
    }
    EXPECT_EQ(kinds.size(), static_cast<size_t>(count)) << what;
    EXPECT_EQ(*kinds.begin(), 0) << what;
    EXPECT_EQ(*kinds.rbegin(), count - 1) << what;
    EXPECT_EQ(ids.size(), static_cast<size_t>(count)) << what;
    EXPECT_EQ(find_name(table, "no such thing"), nullptr) << what;
}

TEST(Names, EveryTableCoversItsEnumOnce) {
    expect_complete(optimizer_table(), 4, "optimizers");
    expect_complete(schedule_table(), 4, "schedules");
    expect_complete(loss_table(), 3, "losses");
    expect_complete(breakpoint_table(), 4, "breakpoints");
    expect_complete(layer_kind_table(), 13, "layer kinds");
    expect_complete(initializer_table(), 7, "initializers");
    expect_complete(hyperparameter_table(), 6, "hyperparameters");
    expect_complete(session_state_table(), 5, "session states");
    expect_complete(input_feature_table(), 7, "input features");
    expect_complete(lesson_view_table(), 7, "lesson views");
}

TEST(Names, ListsAreSpelledOutInTableOrder) {
    EXPECT_EQ(name_list(optimizer_table()), "sgd, adam, adamw or rmsprop");
    EXPECT_EQ(name_list(schedule_table()), "constant, step, exponential or cosine");
    EXPECT_EQ(name_list(loss_table()), "softmax_cross_entropy, binary_cross_entropy or mse");
    EXPECT_EQ(name_list(breakpoint_table()),
              "loss_above, grad_norm_above, dead_fraction_above or nonfinite");
    EXPECT_EQ(name_list(hyperparameter_table()),
              "lr, momentum, weight_decay, clip_norm, batch_size or steps_per_second");
    EXPECT_EQ(name_list(initializer_table()),
              "he_uniform, he_normal, xavier_uniform, xavier_normal, lecun_uniform, "
              "lecun_normal or zeros");
    EXPECT_EQ(name_list(layer_kind_table(), " and "),
              "Dense, Conv2D, MaxPool2D, AvgPool2D, Flatten, ReLU, LeakyReLU, Sigmoid, Tanh, "
              "GELU, Softmax, Dropout and BatchNorm");
    EXPECT_EQ(spelled_out({}), "");
    EXPECT_EQ(spelled_out({"a"}), "a");
    EXPECT_EQ(spelled_out({"a", "b"}), "a or b");
}

TEST(Names, IdsAndLabelsOfKinds) {
    EXPECT_STREQ(id_of(OptimizerKind::AdamW), "adamw");
    EXPECT_STREQ(label_of(OptimizerKind::AdamW), "AdamW");
    EXPECT_STREQ(label_of(OptimizerKind::Sgd), "SGD");
    EXPECT_STREQ(id_of(ScheduleKind::Cosine), "cosine");
    EXPECT_STREQ(id_of(LossKind::MeanSquaredError), "mse");
    EXPECT_STREQ(label_of(LossKind::SoftmaxCrossEntropy), "softmax cross-entropy");
    EXPECT_STREQ(id_of(BreakpointKind::Nonfinite), "nonfinite");
    EXPECT_STREQ(label_of(BreakpointKind::LossAbove), "loss above");
    EXPECT_STREQ(id_of(LayerKind::BatchNorm), "BatchNorm");
    EXPECT_STREQ(id_of(InitKind::HeUniform), "he_uniform");
    EXPECT_STREQ(id_of(Hyperparameter::StepsPerSecond), "steps_per_second");
    EXPECT_STREQ(id_of(SessionState::Paused), "paused");
    for (const SessionStateName& s : session_state_table()) EXPECT_STREQ(state_name(s.kind), s.id);
}

TEST(Names, LossesReadTheirAliasesExactly) {
    ASSERT_NE(find_loss("bce"), nullptr);
    EXPECT_EQ(find_loss("bce")->kind, LossKind::BinaryCrossEntropy);
    ASSERT_NE(find_loss("cross_entropy"), nullptr);
    EXPECT_EQ(find_loss("cross_entropy")->kind, LossKind::SoftmaxCrossEntropy);
    EXPECT_EQ(find_loss("mse")->kind, LossKind::MeanSquaredError);
    EXPECT_EQ(find_loss("BCE"), nullptr) << "ids are matched as written";
    EXPECT_EQ(find_loss(""), nullptr);
}

TEST(Names, LayerKindsListTheirSpecFields) {
    const LayerKindName* conv = find_layer_kind("Conv2D");
    ASSERT_NE(conv, nullptr);
    EXPECT_EQ(conv->fields,
              (std::vector<std::string>{"filters", "kernel", "stride", "padding", "init", "bias"}));
    EXPECT_TRUE(find_layer_kind("ReLU")->fields.empty());
    EXPECT_EQ(find_layer_kind("relu"), nullptr) << "canonical_layer_type takes any case, not this";
    const BreakpointName& dead = entry_of(breakpoint_table(), BreakpointKind::DeadFractionAbove);
    EXPECT_STREQ(dead.quantity, "dead fraction");
}

}  // namespace
}  // namespace gs
