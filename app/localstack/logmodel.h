#pragma once

#include "common/statefullistmodel.h"

#include <QQmlEngine>

#include <deque>

namespace Meshdeck::Console {

// The local stack's log, newest last, capped so a chatty backend cannot grow the console forever.
class LogModel : public Meshdeck::Console::StatefulListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The log belongs to the local stack")
public:
    enum Role { TextRole = Qt::UserRole + 1, LevelRole };
    Q_ENUM(Role)

    explicit LogModel(int capacity = 5000, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void appendLines(const QStringList &lines);
    Q_INVOKABLE void clear();
    // The last `n` lines joined, for error messages.
    QString tail(int n) const;
    int capacity() const { return m_capacity; }

private:
    struct Line {
        QString text;
        QString level;
    };
    std::deque<Line> m_lines;
    int m_capacity;
};

} // namespace Meshdeck::Console
