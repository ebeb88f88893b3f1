#pragma once

#include "common/statefullistmodel.h"

#include <QJsonObject>
#include <QQmlEngine>
#include <QTimer>

#include <deque>
#include <optional>

namespace Meshdeck::Console {

// The live tail of one topic. Arriving events are buffered and inserted in one batch per 50 ms,
// so thousands per second do not stall the UI; at most `capacity` rows are kept (oldest go).
// A filter keeps rows whose type, key or payload contains the text, or, written as
// `data.user.id == 42` (or `!=`), rows whose JSON field has (or lacks) that value.
class EventTailModel : public Meshdeck::Console::StatefulListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.events.tail")
    Q_PROPERTY(QString filterText READ filterText WRITE setFilterText NOTIFY filterTextChanged)
    Q_PROPERTY(qint64 received READ received NOTIFY countChanged)
public:
    enum Role { OffsetRole = Qt::UserRole + 1, TimeRole, TypeRole, KeyRole, PreviewRole, JsonRole };
    Q_ENUM(Role)

    explicit EventTailModel(int capacity = 10'000, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void append(const QJsonObject &event);
    void flush(); // inserts what is buffered now (the timer does this every 50 ms)
    // Older events, oldest first, placed before the first row; only as many as the capacity leaves
    // room for. Returns how many were taken.
    int prepend(const QList<QJsonObject> &older);
    // The offset of the oldest row held, or -1 when empty.
    qint64 firstOffset() const;
    Q_INVOKABLE void clear();
    QString filterText() const { return m_filter; }
    void setFilterText(const QString &text);
    qint64 received() const { return m_received; }

Q_SIGNALS:
    void filterTextChanged();

private:
    struct Row {
        qint64 offset;
        QString time; // as received (ISO 8601); formatted when shown
        QString type;
        QString key;
        QString preview;
        QJsonObject event;
    };
    struct FieldFilter {
        QStringList path;
        bool equals = true;
        QJsonValue value;
    };
    bool matches(const Row &row) const;
    static Row makeRow(const QJsonObject &event);
    void rebuild();

    int m_capacity;
    std::deque<Row> m_all;
    std::vector<const Row *> m_visible;
    std::vector<Row> m_pending;
    QTimer m_flushTimer;
    QString m_filter;
    std::optional<FieldFilter> m_field;
    qint64 m_received = 0;
};

} // namespace Meshdeck::Console
