// The views' explanations: one per view, each with all three parts in
// sentences; and the sentences made from a record's numbers.
#include <gtest/gtest.h>

#include <set>

#include "gradscope/explanations.h"

namespace gs {
namespace {

TEST(Explanations, EveryViewHasWhatHowToReadAndWhatToDo) {
    const auto& all = view_explanations();
    ASSERT_EQ(all.size(), 7u);
    std::set<std::string> ids;
    for (size_t i = 0; i < all.size(); ++i) {
        const ViewExplanation& e = all[i];
        EXPECT_EQ(static_cast<size_t>(e.view), i) << e.id;  // in the enum's order
        EXPECT_EQ(&explanation_of(e.view), &e);
        ids.insert(e.id);
        for (const char* part : {e.what, e.read, e.act}) {
            const std::string p = part;
            EXPECT_GT(p.size(), 40u) << e.id;
            EXPECT_EQ(p.back(), '.') << e.id << ": " << p;
        }
        const std::string text = explanation_text(e);
        EXPECT_EQ(text.find(e.what), 0u);
        EXPECT_NE(text.find(std::string("\n\n") + e.act), std::string::npos);
    }
    EXPECT_EQ(ids.size(), all.size());  // ids are unique
}

TEST(Explanations, SentencesAboutTheDataInHand) {
    ConfusionRecord r;
    r.split = "test";
    r.classes = 2;
    r.class_names = {"Shirt", "T-shirt/top"};
    r.counts = {70, 30, 5, 95};
    EXPECT_EQ(describe_confusion(r),
              "82% of the test items are classified right. Most often confused: Shirt taken for "
              "T-shirt/top (30 items, 30% of that class).");
    EXPECT_EQ(describe_confusion(ConfusionRecord{}), "");

    DataMapSummary s;
    s.epoch = 3;
    s.seen = 200;
    s.easy = 150;
    s.ambiguous = 30;
    s.hard = 20;
    s.mislabeled = 4;
    s.never_learned = 6;
    EXPECT_EQ(describe_data_map(s),
              "After epoch 3: 75% easy to learn, 15% ambiguous, 10% hard to learn. 4 items look "
              "mislabeled: hard to learn while the network is sure of another class. 6 were never "
              "classified right.");
    EXPECT_EQ(describe_data_map(DataMapSummary{}), "");
}

}  // namespace
}  // namespace gs
