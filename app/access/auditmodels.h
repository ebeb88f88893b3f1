#pragma once

#include "common/jsonlistmodel.h"

namespace Meshdeck::Console {

// The audit log as searched (GET /v1/audit, newest first), one page after another, with the
// records the `audit` channel brings live on top.
class AuditLogModel : public Meshdeck::Console::StatefulListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use AccessController.audit")
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        TimeRole,
        ActorRole, // the actor's name, or its id ("key:…", "admin-token")
        ActionRole,
        ResourceRole,
        OutcomeRole,
        StatusRole,
        RequestRole, // "POST /v1/auth/keys"
        SourceRole,
        RequestIdRole,
        DetailRole,
        HasChangesRole, // a before or an after to compare
    };
    Q_ENUM(Role)

    using StatefulListModel::StatefulListModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // A new search's first page (clears the error: the request succeeded).
    void setRows(const QList<QJsonObject> &records);
    // A failed request: no rows, and the reason.
    void fail(const QString &error);
    // The next page, after the rows held; records already held are not added twice.
    void appendPage(const QList<QJsonObject> &records);
    // A live record on top; false when it was already held.
    bool prepend(const QJsonObject &record);
    QJsonObject record(int row) const;
    Q_INVOKABLE int indexOf(const QString &id) const;

private:
    QList<QJsonObject> m_rows;
};

// What one audit record changed: its before and after, compared field by field (nested objects
// by dotted path: "scopes", "limits.rate"). Unchanged fields are listed too, marked as such.
class AuditDiffModel : public Meshdeck::Console::StatefulListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use AccessController.auditDiff")
public:
    enum Role { PathRole = Qt::UserRole + 1, BeforeRole, AfterRole, ChangeRole };
    Q_ENUM(Role)

    struct Line {
        QString path;
        QString before; // compact JSON; empty when absent
        QString after;
        QString change; // "added", "removed", "changed", "same"
        bool operator==(const Line &) const = default;
    };

    using StatefulListModel::StatefulListModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setRecord(const QJsonObject &record);
    void clear();
    static QList<Line> compare(const QJsonValue &before, const QJsonValue &after);

private:
    QList<Line> m_lines;
};

} // namespace Meshdeck::Console
