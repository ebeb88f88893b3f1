#pragma once

#include "settings.h"

#include <QObject>

#include <QCoroTask>

#include <memory>
#include <optional>

namespace Meshdeck {

class SecretBox;

struct AdminTokenFile;

// The wiring layer: the only code that knows the settings and every component. It opens the
// database, starts the services in order, serves HTTP and, on a stop request, drains and closes.
class Backend : public QObject
{
    Q_OBJECT
public:
    explicit Backend(BackendSettings settings, QObject *parent = nullptr);
    ~Backend() override;

    // Returns ExitOk once serving (after printing the ready line), or the exit code to leave with.
    QCoro::Task<int> start();
    QCoro::Task<void> stop();
    quint16 port() const;
    // SIGHUP: re-reads --tls-cert and --tls-key for new connections; keeps the old ones on failure.
    void reloadTls();

private:
    // start(), step by step.
    std::optional<AdminTokenFile> prepareDataDir(const QString &dataDir, QString *error);
    void makeAuth(const SecretBox &secrets);
    void makeServices(const QString &dataDir, const SecretBox &secrets, const QString &nodeId);
    QCoro::Task<int> openDatabase(QString dataDir);
    QCoro::Task<bool> bootstrapCluster(QString adminTokenFile,
                                       QString nodeId); // cluster mode: the admin token
    static void recoverAdminTokenFile(const QString &adminTokenFile, const QString &digest);
    void installRoutes();
    QCoro::Task<bool> startServices();
    void startBuildWorker(const QString &nodeId);
    bool serve();
    bool serveGateway();
    QString advertiseUrl() const;
    void printReadyLine(const QString &dataDir, const QString &adminTokenFile);

    struct Parts;
    BackendSettings m_settings;
    std::unique_ptr<Parts> m_parts;
};

} // namespace Meshdeck
