#pragma once

#include "common/jsonlistmodel.h"

#include <QJsonObject>
#include <QObject>
#include <QQmlEngine>
#include <QStringList>
#include <QVariantMap>

#include <QCoroTask>

namespace Meshdeck::Console {

class ApiClient;
struct ApiReply;

// A route's stored versions, newest first (GET /v1/gateway/routes/{id}/versions).
class RouteVersionsModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.gateway.editor.versions")
public:
    enum Role {
        VersionRole = Qt::UserRole + 1,
        ActionRole,
        ActionTextRole,
        AtRole,
        ByRole,
        SummaryRole,
        RestorableRole
    };
    Q_ENUM(Role)

    using JsonListModel::JsonListModel;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
};

// The route editor: a new route or an edit of a stored one, its preview (what the change does
// before it is saved), save with the version edited (a 409 says who changed it meanwhile and
// offers a reload), delete, and the history with restore. A 400 names the field: its reason is
// shown under that field (`fieldErrors`), not as a banner.
class RouteEditor : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.gateway.editor")
    Q_PROPERTY(QString routeId READ routeId NOTIFY routeChanged)
    Q_PROPERTY(qint64 version READ version NOTIFY routeChanged)
    Q_PROPERTY(bool isNew READ isNew NOTIFY routeChanged)
    // The route's fields as the form starts from them (the defaults for a new route).
    Q_PROPERTY(QVariantMap route READ route NOTIFY routeChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorsChanged)
    // field path ("name", "match.pathPrefix", "rateLimit.requests", …) -> why it was refused.
    Q_PROPERTY(QVariantMap fieldErrors READ fieldErrors NOTIFY errorsChanged)
    // Refusals of fields the form has no place for (an unknown key, say), as one sentence each.
    Q_PROPERTY(QStringList otherErrors READ otherErrors NOTIFY errorsChanged)
    // `error` and `otherErrors` as the form's one message above the fields.
    Q_PROPERTY(QString formError READ formError NOTIFY errorsChanged)
    // Set after a 409 version-conflict: who changed the route and which version it is now.
    Q_PROPERTY(QString conflict READ conflict NOTIFY errorsChanged)
    Q_PROPERTY(bool hasPreview READ hasPreview NOTIFY previewChanged)
    Q_PROPERTY(bool previewValid READ previewValid NOTIFY previewChanged)
    Q_PROPERTY(QStringList previewChanges READ previewChanges NOTIFY previewChanged)
    Q_PROPERTY(QStringList previewOverlaps READ previewOverlaps NOTIFY previewChanged)
    Q_PROPERTY(QString previewService READ previewService NOTIFY previewChanged)
    Q_PROPERTY(Meshdeck::Console::RouteVersionsModel *versions READ versions CONSTANT)
public:
    explicit RouteEditor(ApiClient *api, QObject *parent = nullptr);

    QString routeId() const { return m_routeId; }
    qint64 version() const { return m_version; }
    bool isNew() const { return m_routeId.isEmpty(); }
    QVariantMap route() const { return m_route.toVariantMap(); }
    bool isBusy() const { return m_busy; }
    QString error() const { return m_error; }
    QVariantMap fieldErrors() const { return m_fieldErrors; }
    QString conflict() const { return m_conflict; }
    QStringList otherErrors() const;
    QString formError() const;
    bool hasPreview() const { return m_hasPreview; }
    bool previewValid() const { return m_previewValid; }
    QStringList previewChanges() const { return m_previewChanges; }
    QStringList previewOverlaps() const { return m_previewOverlaps; }
    QString previewService() const { return m_previewService; }
    RouteVersionsModel *versions() { return &m_versions; }

    // A new route, from the defaults.
    Q_INVOKABLE void createNew();
    // Loads a stored route into the form (and after a conflict: its current version).
    Q_INVOKABLE void edit(const QString &routeId);
    Q_INVOKABLE void reload() { edit(m_routeId); }
    // POST /v1/gateway/routes/preview with the form's spec (and the id of the route edited).
    Q_INVOKABLE void preview(const QVariantMap &spec);
    // POST (new) or PUT with the version edited.
    Q_INVOKABLE void save(const QVariantMap &spec);
    // DELETE /v1/gateway/routes/{id}?version=N (restorable from its history).
    Q_INVOKABLE void remove(const QString &routeId, qint64 version);
    Q_INVOKABLE void loadVersions(const QString &routeId);
    // POST /v1/gateway/routes/{id}/versions/{version}/restore.
    Q_INVOKABLE void restore(const QString &routeId, qint64 version);
    // Another backend: nothing of the previous one stays, its replies are dropped.
    void reset();

    // The route as the API takes it: the form's spec without the stored route's own fields.
    static QJsonObject specOf(const QVariantMap &form);
    static QJsonObject defaults();
    // The form's fields, by the path the API names them with.
    static const QStringList &formFields();
    // "cors.origins[2]" -> "cors.origins": the form shows a list's refusal under the list.
    static QString formFieldOf(const QString &apiField);

Q_SIGNALS:
    void routeChanged();
    void busyChanged();
    void errorsChanged();
    void previewChanged();
    // Saved, deleted or restored: `message` says what happened; the routes' list should reload.
    void saved(const QString &routeId, const QString &message);
    void removed(const QString &routeId, const QString &message);
    void restored(const QString &routeId, const QString &message);
    // A delete or restore started outside the editor's form was refused: why.
    void failed(const QString &message);

private:
    void setBusy(bool busy);
    void clearErrors();
    void clearPreview();
    // Turns a refusal into field messages, a conflict or a general error.
    void takeRefusal(const ApiReply &reply, const QString &what);
    void addFieldError(const QString &apiField, const QString &reason);
    void setRoute(const QJsonObject &route);
    QCoro::Task<void> load(QString routeId);
    QCoro::Task<void> postPreview(QByteArray body);
    QCoro::Task<void> put(QString routeId, QByteArray body);
    QCoro::Task<void> deleteRoute(QString routeId, qint64 version);
    QCoro::Task<void> fetchVersions(QString routeId);
    QCoro::Task<void> postRestore(QString routeId, qint64 version);

    ApiClient *m_api;
    QString m_routeId;
    qint64 m_version = 0;
    QJsonObject m_route;
    bool m_busy = false;
    QString m_error;
    QVariantMap m_fieldErrors;
    QString m_conflict;
    bool m_hasPreview = false;
    bool m_previewValid = false;
    QStringList m_previewChanges;
    QStringList m_previewOverlaps;
    QString m_previewService;
    RouteVersionsModel m_versions;
    quint64 m_generation = 0; // bumps on every new edit and on reset(): older replies are dropped
};

} // namespace Meshdeck::Console
