// DataDrawer: draw the data on the 2-D plane (issue 19). Click or drag to
// add points of the chosen class, Shift (or the right button) erases those
// under the brush; any number of classes up to 16, each in its own colour
// (class_color). The input-feature toggles (x₁, x₂, x₁², x₂², x₁x₂,
// sin x₁, sin x₂) choose the network's inputs. "Train on this" hands the
// drawn set (DataSpec "points", with its features) to the window, which
// saves it in the project and rebuilds the session.
#pragma once

#include <QWidget>
#include <vector>

#include "gradscope/spec.h"
#include "theme.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;

namespace gs::studio {

// The plane itself: points, clicks and drags.
class DrawPlane : public QWidget {
    Q_OBJECT
public:
    explicit DrawPlane(QWidget* parent = nullptr);
    void set_points(const std::vector<gs::DataPoint>& points);
    const std::vector<gs::DataPoint>& points() const { return m_points; }
    void set_class(int label) { m_class = label; }
    int current_class() const { return m_class; }
    void set_classes(int classes);  // colours (at least the largest label + 1)
    void set_theme(const Theme& theme);
    // The plane shown: -extent..extent on both axes.
    static constexpr float kExtent = 6.0f;
    QPointF to_widget(float x, float y) const;
    QPointF to_plane(const QPointF& pos) const;
    // What a click at pos does (erase: as with Shift).
    void add_at(const QPointF& pos);
    void erase_at(const QPointF& pos);

signals:
    void pointsChanged();

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;

private:
    void act(QMouseEvent* e);
    QRectF plot_rect() const;

    std::vector<gs::DataPoint> m_points;
    int m_class = 0, m_classes = 2;
    Theme m_theme = Theme::standard();
    QPointF m_last;  // a drag adds a point every few pixels
};

class DataDrawer : public QWidget {
    Q_OBJECT
public:
    explicit DataDrawer(QWidget* parent = nullptr);

    // Starts from a data spec: its points when it is a drawn set, its features.
    void set_data_spec(const gs::DataSpec& data);
    // The drawn set as a data spec ("points", classes, features).
    gs::DataSpec data_spec() const;
    DrawPlane* plane() const { return m_plane; }
    void set_class(int label);
    // The input features checked, as DataSpec::features ids.
    std::vector<std::string> features() const;
    void set_feature(const std::string& id, bool on);
    void set_theme(const Theme& theme);
    QString status() const;

signals:
    // "Train on this" (or a feature toggled): the window applies it.
    void applyRequested(const gs::DataSpec& data);

private:
    void update_status();

    DrawPlane* m_plane;
    QComboBox* m_class;
    std::vector<QCheckBox*> m_features;
    std::vector<std::string> m_feature_ids;
    QLabel* m_status;
    QPushButton* m_apply;
    gs::DataSpec m_base;  // the split and seed kept from the data spec given
};

}  // namespace gs::studio
