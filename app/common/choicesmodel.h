#pragma once

#include "statefullistmodel.h"

namespace Meshdeck::Console {

// The choices of a combo box: a value and its label, translated when read. Labels without a
// translation context (language names in their own language) are shown as they are.
class ChoicesModel : public Meshdeck::Console::StatefulListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Choices belong to the settings and controllers")
public:
    enum Role { ValueRole = Qt::UserRole + 1, LabelRole };
    Q_ENUM(Role)

    struct Choice {
        QString value;
        const char *label;             // QT_TRANSLATE_NOOP'd
        const char *context = nullptr; // the translation context; nullptr: shown as is
    };

    explicit ChoicesModel(QList<Choice> choices, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    Q_INVOKABLE int indexOf(const QString &value) const;
    // Labels are translated when read; call after the language changes.
    void retranslate();

private:
    QList<Choice> m_choices;
};

} // namespace Meshdeck::Console
