#pragma once

// Finding things in the console's real window as a person (or a screen reader) does: by the
// accessible name of a visible control, by object name, by the texts drawn. Header-only: only the
// GUI tests, which link Qt Quick, include it.

#include <QAccessible>
#include <QQuickItem>
#include <QStringList>

#include <algorithm>

namespace Meshdeck::Testing {

// The visible control with this accessible name, as a screen reader finds it; with `editable`, a
// text field only (a label next to a field may say the same words).
inline QQuickItem *findByName(QAccessibleInterface *iface, const QString &name, bool editable = false,
                              int depth = 0)
{
    if (!iface || !iface->isValid() || iface->state().invisible || depth > 200)
        return nullptr;
    if (iface->text(QAccessible::Name) == name) {
        auto *item = qobject_cast<QQuickItem *>(iface->object());
        if (item && (!editable || item->metaObject()->indexOfProperty("cursorPosition") >= 0))
            return item;
    }
    for (int i = 0; i < iface->childCount(); ++i) {
        if (QQuickItem *found = findByName(iface->child(i), name, editable, depth + 1))
            return found;
    }
    return nullptr;
}

// The item under `root` (itself included) with this object name, shown or not.
inline QQuickItem *findItem(QQuickItem *root, const QString &objectName)
{
    if (!root)
        return nullptr;
    if (root->objectName() == objectName)
        return root;
    const auto children = root->childItems();
    for (QQuickItem *child : children) {
        if (QQuickItem *found = findItem(child, objectName))
            return found;
    }
    return nullptr;
}

// The texts the visible items under `item` draw (items with a font and a text).
inline QStringList visibleTexts(QQuickItem *item)
{
    QStringList out;
    if (!item || !item->isVisible())
        return out;
    const QVariant text = item->property("text");
    if (text.isValid() && !text.toString().isEmpty() && item->metaObject()->indexOfProperty("font") >= 0)
        out << text.toString();
    const auto children = item->childItems();
    for (QQuickItem *child : children)
        out << visibleTexts(child);
    return out;
}

inline bool anyContains(const QStringList &texts, const QString &fragment)
{
    return std::any_of(texts.cbegin(), texts.cend(), [&](const QString &t) { return t.contains(fragment); });
}

} // namespace Meshdeck::Testing
