// Tests for CSV datasets (data_files.h): the samples in tests/data/csv
// (a header or none, string or integer labels, regression, quoting, CRLF
// and a BOM) and every kind of broken file or option, each of which must be
// a gs::Error naming the file, the row and column, and what is wrong.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "data_checks.h"
#include "gradscope/data_files.h"
#include "gradscope/dataset.h"

using gs::test::error_of;
using gs::test::Gathered;
using gs::test::gather_all;

namespace {

const std::string kData = GS_TEST_DATA_DIR;

std::string csv_error(const std::string& text, gs::CsvOptions o = {}) {
    return error_of([&] { gs::parse_csv(text, "data.csv", o); });
}

TEST(Csv, LoadsIrisWithHeaderAndStringLabels) {
    for (const char* label : {"", "species", "4", "-1"}) {
        gs::CsvOptions o;
        o.label_column = label;
        auto d = gs::load_csv(kData + "/csv/iris_small.csv", o);
        ASSERT_EQ(d->size(), 6u) << label;
        EXPECT_EQ(d->item_shape(), gs::Shape{4});
        EXPECT_EQ(d->num_classes(), 3);
        EXPECT_EQ(d->name(), "iris_small");
        // sorted by name, not in order of first appearance
        EXPECT_EQ(d->class_names(),
                  (std::vector<std::string>{"setosa", "versicolor", "virginica"}));
        const Gathered g = gather_all(*d);
        EXPECT_EQ(g.y, (std::vector<float>{1, 0, 2, 0, 1, 2}));
        EXPECT_FLOAT_EQ(g.x[0], 7.0f);
        EXPECT_FLOAT_EQ(g.x[3], 1.4f);
        EXPECT_FLOAT_EQ(g.x[20], 5.8f);
    }
    // Another label column leaves the strings among the features.
    gs::CsvOptions o;
    o.label_column = "sepal_length";
    EXPECT_EQ(error_of([&] { gs::load_csv(kData + "/csv/iris_small.csv", o); }),
              "'" + kData +
                  "/csv/iris_small.csv' row 2, column 5 (species): 'versicolor' is not "
                  "a number");
    EXPECT_HAS(error_of([&] {
                   gs::CsvOptions r;
                   r.task = "regression";
                   gs::load_csv(kData + "/csv/iris_small.csv", r);
               }),
               "row 2, column 5 (species): 'versicolor' is not a number (task regression needs a "
               "numeric target)");
}

TEST(Csv, LoadsWithoutHeaderAndIntegerLabels) {
    gs::CsvOptions o;
    o.label_column = "0";
    auto d = gs::load_csv(kData + "/csv/no_header.csv", o);
    ASSERT_EQ(d->size(), 4u);
    EXPECT_EQ(d->item_shape(), gs::Shape{2});
    EXPECT_EQ(d->num_classes(), 3);
    EXPECT_EQ(d->class_names(), (std::vector<std::string>{"0", "1", "2"}));
    const Gathered g = gather_all(*d);
    EXPECT_EQ(g.y, (std::vector<float>{1, 0, 2, 1}));
    EXPECT_EQ(g.x, (std::vector<float>{0.5f, 0.25f, 1.5f, 2.0f, -3.0f, 0.04f, 7.0f, 0.5f}));
    // Integer labels are class numbers: a gap still counts.
    d = gs::parse_csv("1,0\n2,5\n", "gap.csv", {});
    EXPECT_EQ(d->num_classes(), 6);
    // Many different integers are a regression target under auto.
    std::string many;
    for (int i = 0; i < 40; ++i) many += std::to_string(i) + "," + std::to_string(i * 3) + "\n";
    EXPECT_EQ(gs::parse_csv(many, "m.csv", {})->num_classes(), 0);
    gs::CsvOptions cls;
    cls.task = "classification";
    EXPECT_EQ(gs::parse_csv(many, "m.csv", cls)->num_classes(), 118);
    // Negative or fractional labels under classification are names.
    d = gs::parse_csv("1,-1\n2,0.5\n3,-1\n", "f.csv", cls);
    EXPECT_EQ(d->class_names(), (std::vector<std::string>{"-1", "0.5"}));
    EXPECT_EQ(gather_all(*d).y, (std::vector<float>{0, 1, 0}));
}

// String classes are numbered in sorted order, whatever the row order, so a
// model saved on one file means the same classes on a shuffled copy; numbers
// sort by value ("size2" before "size10"; "2.5" before "10.5").
TEST(Csv, StringClassesSortNaturallyWhateverTheRowOrder) {
    auto d = gs::parse_csv("1,cat\n2,ant\n3,bee\n4,cat\n", "three.csv", {});
    EXPECT_EQ(d->class_names(), (std::vector<std::string>{"ant", "bee", "cat"}));
    EXPECT_EQ(gather_all(*d).y, (std::vector<float>{2, 0, 1, 2}));
    auto shuffled = gs::parse_csv("3,bee\n4,cat\n2,ant\n", "three.csv", {});
    EXPECT_EQ(shuffled->class_names(), d->class_names());
    EXPECT_EQ(gather_all(*shuffled).y, (std::vector<float>{1, 2, 0}));
    d = gs::parse_csv("1,size10\n2,size2\n3,size1\n4,Size3\n", "sizes.csv", {});
    EXPECT_EQ(d->class_names(), (std::vector<std::string>{"Size3", "size1", "size2", "size10"}));
    gs::CsvOptions cls;
    cls.task = "classification";
    d = gs::parse_csv("1,10.5\n2,2.5\n3,2.25\n4,007\n5,7\n", "n.csv", cls);
    EXPECT_EQ(d->class_names(), (std::vector<std::string>{"2.25", "2.5", "007", "7", "10.5"}));
}

TEST(Csv, LoadsRegression) {
    auto d = gs::load_csv(kData + "/csv/regression.csv", {});
    ASSERT_EQ(d->size(), 3u);
    EXPECT_EQ(d->num_classes(), 0);
    EXPECT_TRUE(d->class_names().empty());
    const Gathered g = gather_all(*d);
    EXPECT_EQ(g.y, (std::vector<float>{0.25f, -1.5f, 3.75f}));
    EXPECT_EQ(g.x, (std::vector<float>{0, 1, 1, 0, 2, 2}));
}

TEST(Csv, ReadsQuotedCellsCrlfAndBom) {
    gs::CsvOptions o;
    o.label_column = "label";
    auto d = gs::load_csv(kData + "/csv/quoted.csv", o);
    ASSERT_EQ(d->size(), 3u);
    EXPECT_EQ(d->class_names(),
              (std::vector<std::string>{"a \"quoted\" label", "b,c", "two\r\nlines"}));
    const Gathered g = gather_all(*d);
    EXPECT_EQ(g.x, (std::vector<float>{1.5f, 2, 3, 4, 5, 6}));
    EXPECT_EQ(g.y, (std::vector<float>{0, 1, 2}));
    // Names with commas are found by name; errors name them.
    o.label_column = "width, cm";
    EXPECT_HAS(error_of([&] { gs::load_csv(kData + "/csv/quoted.csv", o); }),
               "row 2, column 3 (label): 'a \"quoted\" label' is not a number");
    // Other delimiters.
    gs::CsvOptions semi;
    semi.delimiter = ';';
    d = gs::parse_csv("a;b;c\n1.5;2;x\n3;4;y\n", "s.csv", semi);
    EXPECT_EQ(gather_all(*d).x, (std::vector<float>{1.5f, 2, 3, 4}));
    EXPECT_EQ(csv_error("a;b;c\n1,5;2;x\n", semi),
              "'data.csv' row 2, column 1 (a): '1,5' is not a number");
    gs::CsvOptions tab;
    tab.delimiter = '\t';
    d = gs::parse_csv("a\tb\n 1 \tx\n", "t.tsv", tab);
    EXPECT_EQ(gather_all(*d).x, (std::vector<float>{1}));
}

TEST(Csv, HeaderOptions) {
    // A header of numbers is found only when asked for.
    gs::CsvOptions yes;
    yes.header = "yes";
    EXPECT_EQ(gs::parse_csv("1,2\n3,0\n4,1\n", "h.csv", yes)->size(), 2u);
    gs::CsvOptions no;
    no.header = "no";
    EXPECT_EQ(gs::parse_csv("1,2\n3,0\n4,1\n", "h.csv", no)->size(), 3u);
    EXPECT_EQ(csv_error("x,y\n1,0\n", no), "'data.csv' row 1, column 1: 'x' is not a number");
    no.label_column = "y";
    EXPECT_EQ(csv_error("x,y\n1,0\n", no),
              "'data.csv': the label column is given by name ('y'), but the file is read without "
              "a header; give the column's index");
}

TEST(Csv, RejectsBadCells) {
    const std::string head = "sepal_length,sepal_width,petal_width,petal_length,species\n";
    std::string rows;
    for (int i = 0; i < 5; ++i) rows += "1,2,3,4,a\n";
    EXPECT_EQ(csv_error(head + rows + "1,2,abc,4,b\n"),
              "'data.csv' row 7, column 3 (petal_width): 'abc' is not a number");
    EXPECT_EQ(csv_error(head + rows + "1,2,3,4,b\n1,2,3,b\n"),
              "'data.csv' row 8 has 4 columns but the header has 5");
    EXPECT_EQ(csv_error(head + "1,,3,4,b\n"),
              "'data.csv' row 2, column 2 (sepal_width): the cell is empty");
    EXPECT_EQ(csv_error(head + "1,2,3,4,\n"),
              "'data.csv' row 2, column 5 (species): the cell is empty (it is the label)");
    EXPECT_EQ(csv_error(head + "1,2,nan,4,b\n"),
              "'data.csv' row 2, column 3 (petal_width): 'nan' is not a finite number");
    EXPECT_HAS(csv_error(head + "1,2,-inf,4,b\n"), "'-inf' is not a finite number");
    EXPECT_HAS(csv_error(head + "1,2,1e39,4,b\n"), "'1e39' is out of the range of a 32-bit float");
    EXPECT_HAS(csv_error(head + "1,2,1e999,4,b\n"),
               "'1e999' is out of the range of a 32-bit float");
    EXPECT_HAS(csv_error(head + "1,2,0x10,4,b\n"), "'0x10' is not a number");
    EXPECT_HAS(csv_error(head + "1,2,3 4,4,b\n"), "'3 4' is not a number");
    EXPECT_EQ(csv_error("a,b\n1,2\n3\n"), "'data.csv' row 3 has 1 column but the header has 2");
    EXPECT_EQ(csv_error("1,2\n3,4,5\n"), "'data.csv' row 2 has 3 columns but the first row has 2");
    // Control bytes are escaped in messages, and long cells cut short.
    EXPECT_HAS(csv_error("a,b\n\x01x,1\n"), "'\\x01x' is not a number");
    EXPECT_HAS(csv_error("a,b\n" + std::string(60, 'z') + ",1\n"),
               "'" + std::string(40, 'z') + "...' is not a number");
    gs::CsvOptions reg;
    reg.task = "regression";
    EXPECT_EQ(csv_error("a,b\n1,2\n1,inf\n", reg),
              "'data.csv' row 3, column 2 (b): 'inf' is not a finite number");
    EXPECT_EQ(csv_error("a,b\n1,1e39\n", reg),
              "'data.csv' row 2, column 2 (b): '1e39' is out of the range of a 32-bit float");
}

TEST(Csv, RejectsBadFilesAndOptions) {
    EXPECT_EQ(csv_error(""), "'data.csv': the file is empty");
    EXPECT_EQ(csv_error("\n  \n\r\n"), "'data.csv': the file holds only blank lines");
    EXPECT_EQ(csv_error("a,b\n\n"), "'data.csv': the header is not followed by any data rows");
    EXPECT_EQ(csv_error(std::string("\x00\x00\x08\x03", 4)),
              "'data.csv': this looks like a binary file, not CSV text");
    EXPECT_EQ(csv_error("a;b;c\n1;2;3\n"),
              "'data.csv': the first row has 1 column, but a dataset needs at least two (features "
              "and a label) separated by ',' — is the delimiter ';'?");
    gs::CsvOptions o;
    o.label_column = "specie";
    EXPECT_EQ(csv_error("x,species\n1,a\n", o),
              "'data.csv': no column named 'specie'; the columns are 'x', 'species'");
    o.label_column = "2";
    EXPECT_EQ(csv_error("x,species\n1,a\n", o),
              "'data.csv': label column 2 is out of range: the file has 2 columns (0 to 1, or -1 "
              "to -2 from the end)");
    o.label_column = "-3";
    EXPECT_HAS(csv_error("x,species\n1,a\n", o), "label column -3 is out of range");
    EXPECT_EQ(csv_error("a,b\n\"1,2\n"),
              "'data.csv' row 2, column 1: a quoted cell is never closed (a \" is missing)");
    EXPECT_HAS(csv_error("a,b\n\"1\"x,2\n"),
               "'data.csv' row 2, column 1: text after the closing quote of a cell ('x,2')");
    gs::CsvOptions bad;
    bad.header = "maybe";
    EXPECT_EQ(csv_error("a,b\n1,2\n", bad),
              "'data.csv': header must be auto, yes or no, not 'maybe'");
    bad = {};
    bad.task = "clustering";
    EXPECT_HAS(csv_error("a,b\n1,2\n", bad), "task must be auto, classification or regression");
    bad = {};
    bad.delimiter = '"';
    EXPECT_HAS(csv_error("a,b\n1,2\n", bad), "the delimiter cannot be '\"'");
    gs::CsvOptions cls;
    cls.task = "classification";
    EXPECT_EQ(csv_error("a,b\n1,nan\n", cls),
              "'data.csv' row 2, column 2 (b): 'nan' is not a finite number");

    const std::string missing = "/nonexistent/dir/x.csv";
    EXPECT_EQ(error_of([&] { gs::load_csv(missing, {}); }),
              "cannot read '" + missing + "': No such file or directory");
}

}  // namespace
