#include "testing.h"

#include "api/fakeapiclient.h"
#include "api/httpapiclient.h"
#include "api/realtimeclient.h"
#include "api/tlstrust.h"
#include "clusters/clustermembersmodel.h"
#include "clusters/profilesmodel.h"
#include "clusters/secretstore.h"
#include "shell/backendconnection.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace Meshdeck::Console;
using Meshdeck::Testing::waitForTask;

namespace {
const QString kTwoPins = QStringLiteral("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");

QVariantMap fields(const QString &name, const QString &urls)
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("urls"), urls},
            {QStringLiteral("colour"), QStringLiteral("#c0392b")},
            {QStringLiteral("trust"), QStringLiteral("system")},
            {QStringLiteral("credential"), QStringLiteral("adminToken")}};
}

// Runs the openssl CLI; certificates and keys are made at run time and never committed.
bool openssl(const QString &dir, const QStringList &args, QString *error)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("openssl"), args);
    if (!p.waitForFinished(30'000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        *error = QStringLiteral("openssl %1: %2")
                     .arg(args.join(QLatin1Char(' ')), QString::fromLocal8Bit(p.readAllStandardError()));
        return false;
    }
    return true;
}

// One TLS server answering every request with one canned JSON reply.
class TlsServer : public QObject
{
public:
    TlsServer(const QString &certFile, const QString &keyFile)
    {
        QFile cert(certFile);
        QFile key(keyFile);
        if (!cert.open(QIODevice::ReadOnly) || !key.open(QIODevice::ReadOnly))
            return;
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setLocalCertificate(QSslCertificate(cert.readAll(), QSsl::Pem));
        config.setPrivateKey(QSslKey(key.readAll(), QSsl::Ec, QSsl::Pem));
        config.setPeerVerifyMode(QSslSocket::VerifyNone);
        m_server.setSslConfiguration(config);
        QObject::connect(&m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                auto *tls = static_cast<QSslSocket *>(socket);
                QObject::connect(tls, &QSslSocket::readyRead, tls, [this, tls] {
                    m_received += tls->readAll();
                    if (!m_received.contains("\r\n\r\n"))
                        return;
                    ++m_requests;
                    const QByteArray body = R"({"version":"test","mode":"local"})";
                    tls->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                               QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
                    tls->disconnectFromHost();
                    m_received.clear();
                });
                QObject::connect(tls, &QSslSocket::disconnected, tls, &QObject::deleteLater);
            }
        });
        m_server.listen(QHostAddress::LocalHost);
    }
    quint16 port() const { return m_server.serverPort(); }
    int requests() const { return m_requests; }

private:
    QSslServer m_server;
    QByteArray m_received;
    int m_requests = 0;
};
} // namespace

class TestClusters : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        if (QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty())
            QFAIL("openssl is missing: run installer/setup-deps.sh (Debian package openssl)");
        const QString d = m_dir.path();
        QString error;
        const QStringList ec{QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                             QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes")};
        for (const QString &ca : {QStringLiteral("ca"), QStringLiteral("otherca")})
            QVERIFY2(
                openssl(d,
                        QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + ec +
                            QStringList{QStringLiteral("-keyout"), ca + QStringLiteral(".key"),
                                        QStringLiteral("-out"), ca + QStringLiteral(".crt"),
                                        QStringLiteral("-days"), QStringLiteral("30"),
                                        QStringLiteral("-subj"), QStringLiteral("/CN=Meshdeck test ") + ca},
                        &error),
                qPrintable(error));
        struct Leaf {
            QString name;
            QString san;
            QString days;
        };
        const QList<Leaf> leaves{
            {QStringLiteral("good"), QStringLiteral("DNS:localhost,IP:127.0.0.1"), QStringLiteral("30")},
            {QStringLiteral("otherhost"), QStringLiteral("DNS:other.example"), QStringLiteral("30")},
            {QStringLiteral("expired"), QStringLiteral("DNS:localhost,IP:127.0.0.1"), QStringLiteral("-1")}};
        int serial = 2;
        for (const Leaf &leaf : leaves) {
            QFile ext(d + QLatin1Char('/') + leaf.name + QStringLiteral(".ext"));
            QVERIFY(ext.open(QIODevice::WriteOnly));
            ext.write("subjectAltName=" + leaf.san.toUtf8() + "\n");
            ext.close();
            QVERIFY2(openssl(d,
                             QStringList{QStringLiteral("req")} + ec +
                                 QStringList{QStringLiteral("-keyout"), leaf.name + QStringLiteral(".key"),
                                             QStringLiteral("-out"), leaf.name + QStringLiteral(".csr"),
                                             QStringLiteral("-subj"), QStringLiteral("/CN=") + leaf.name},
                             &error),
                     qPrintable(error));
            QVERIFY2(
                openssl(d,
                        {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                         leaf.name + QStringLiteral(".csr"), QStringLiteral("-CA"), QStringLiteral("ca.crt"),
                         QStringLiteral("-CAkey"), QStringLiteral("ca.key"), QStringLiteral("-set_serial"),
                         QString::number(serial++), QStringLiteral("-days"), leaf.days,
                         QStringLiteral("-extfile"), leaf.name + QStringLiteral(".ext"),
                         QStringLiteral("-out"), leaf.name + QStringLiteral(".crt")},
                        &error),
                qPrintable(error));
        }
    }

    // --- the profiles model -------------------------------------------------------------------

    void profilesPersistAndReloadWithoutTheSecret()
    {
        const QString file = m_dir.filePath(QStringLiteral("persist.ini"));
        FakeSecretStore secrets;
        QString id;
        {
            ProfilesModel model(&secrets, file);
            QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
            QSignalSpy saved(&model, &ProfilesModel::saved);
            QVariantMap f = fields(QStringLiteral("Production"),
                                   QStringLiteral("https://node1.example:7700\nhttps://node2.example:7700"));
            f.insert(QStringLiteral("trust"), QStringLiteral("pinned"));
            f.insert(QStringLiteral("pin"), kTwoPins);
            QCOMPARE(model.save(f, QStringLiteral("s3cret-admin-token")), QString());
            QVERIFY(saved.wait(5000) || saved.size() == 1);
            QCOMPARE(model.rowCount(), 1);
            id = saved.at(0).at(0).toString();
            QCOMPARE(model.data(model.index(0), ProfilesModel::NameRole).toString(),
                     QStringLiteral("Production"));
        }
        QCOMPARE(secrets.secrets().value(QStringLiteral("profile/") + id), QByteArray("s3cret-admin-token"));

        QFile settings(file);
        QVERIFY(settings.open(QIODevice::ReadOnly));
        const QByteArray text = settings.readAll();
        QVERIFY2(text.contains("Production"),
                 "the check below would prove nothing: the profile is not in the file");
        QVERIFY2(!text.contains("s3cret-admin-token"), text.constData());

        ProfilesModel reloaded(&secrets, file);
        QAbstractItemModelTester tester(&reloaded, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(reloaded.rowCount(), 1);
        const auto p = reloaded.profile(id);
        QVERIFY(p);
        QCOMPARE(p->name, QStringLiteral("Production"));
        QCOMPARE(p->urls.size(), 2);
        QCOMPARE(p->urls.at(1), QUrl(QStringLiteral("https://node2.example:7700")));
        QCOMPARE(p->trust, ClusterProfile::Trust::Pinned);
        QCOMPARE(p->pin, kTwoPins.toLatin1());
        QCOMPARE(p->colour, QStringLiteral("#c0392b"));
        const SecretResult read = waitForTask(reloaded.secretFor(id));
        QVERIFY(read.ok);
        QCOMPARE(read.secret, QByteArray("s3cret-admin-token"));
    }

    void validationSaysWhatIsWrong_data()
    {
        QTest::addColumn<QVariantMap>("f");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty name") << fields(QString(), QStringLiteral("https://a.example"))
                                    << QStringLiteral("Give the profile a name.");
        QTest::newRow("duplicate name")
            << fields(QStringLiteral("staging"), QStringLiteral("https://a.example"))
            << QStringLiteral("A profile named \"Staging\" exists already: choose another name.");
        QTest::newRow("no url") << fields(QStringLiteral("x"), QString())
                                << QStringLiteral(
                                       "Add at least one node URL, for example https://node1.example:7700.");
        QTest::newRow("bad scheme") << fields(QStringLiteral("x"), QStringLiteral("ftp://a.example"))
                                    << QStringLiteral("\"ftp://a.example\" is not a node URL: write it as "
                                                      "http://HOST:PORT or https://HOST:PORT.");
        QTest::newRow("no host") << fields(QStringLiteral("x"), QStringLiteral("https://"))
                                 << QStringLiteral(
                                        "\"https://\" is not a node URL: write it as http://HOST:PORT or "
                                        "https://HOST:PORT.");
        QVariantMap shortPin = fields(QStringLiteral("x"), QStringLiteral("https://a.example"));
        shortPin.insert(QStringLiteral("trust"), QStringLiteral("pinned"));
        shortPin.insert(QStringLiteral("pin"), QStringLiteral("AAAA"));
        QTest::newRow("pin not 32 bytes")
            << shortPin
            << QStringLiteral("The pin must be the base64 of a 32-byte SHA-256 of the "
                              "certificate's public key (44 characters ending in \"=\").");
        QVariantMap badBackup = shortPin;
        badBackup.insert(QStringLiteral("pin"), kTwoPins);
        badBackup.insert(QStringLiteral("backupPin"), QStringLiteral("not base64!"));
        QTest::newRow("backup pin") << badBackup
                                    << QStringLiteral(
                                           "The backup pin must be the base64 of a 32-byte SHA-256 of a "
                                           "public key, or empty.");
    }

    void validationSaysWhatIsWrong()
    {
        QFETCH(QVariantMap, f);
        QFETCH(QString, message);
        FakeSecretStore secrets;
        ProfilesModel model(&secrets, m_dir.filePath(QStringLiteral("validation.ini")));
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        if (model.rowCount() == 0) {
            QSignalSpy saved(&model, &ProfilesModel::saved);
            QCOMPARE(model.save(fields(QStringLiteral("Staging"), QStringLiteral("http://s.example:7700")),
                                QStringLiteral("t")),
                     QString());
            QTRY_COMPARE(saved.size(), 1);
        }
        const int rows = model.rowCount();
        QCOMPARE(model.validate(f), message);
        QCOMPARE(model.save(f, QStringLiteral("token")), message);
        QCOMPARE(model.rowCount(), rows);
    }

    void aNewProfileNeedsACredentialAndAFailedKeychainSavesNothing()
    {
        FakeSecretStore secrets;
        ProfilesModel model(&secrets, m_dir.filePath(QStringLiteral("nosecret.ini")));
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.save(fields(QStringLiteral("a"), QStringLiteral("https://a.example")), QString()),
                 QStringLiteral("Enter the admin token this console uses for the cluster."));
        secrets.setFailure(QStringLiteral("The keychain is locked."));
        QSignalSpy failed(&model, &ProfilesModel::failed);
        QCOMPARE(
            model.save(fields(QStringLiteral("a"), QStringLiteral("https://a.example")), QStringLiteral("t")),
            QString());
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(model.error(), QStringLiteral("The profile was not saved: The keychain is locked."));
        QCOMPARE(model.rowCount(), 0);
    }

    void removingAProfileDeletesItsSecret()
    {
        FakeSecretStore secrets;
        ProfilesModel model(&secrets, m_dir.filePath(QStringLiteral("remove.ini")));
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy saved(&model, &ProfilesModel::saved);
        QCOMPARE(model.save(fields(QStringLiteral("a"), QStringLiteral("https://a.example")),
                            QStringLiteral("ta")),
                 QString());
        QCOMPARE(model.save(fields(QStringLiteral("b"), QStringLiteral("https://b.example")),
                            QStringLiteral("tb")),
                 QString());
        QTRY_COMPARE(saved.size(), 2);
        const QString a = saved.at(0).at(0).toString();
        QCOMPARE(secrets.secrets().size(), 2);

        // Editing without a new credential keeps the one in the keychain.
        QVariantMap edit = model.get(a);
        edit.insert(QStringLiteral("name"), QStringLiteral("a renamed"));
        QCOMPARE(model.save(edit, QString()), QString());
        QTRY_COMPARE(saved.size(), 3);
        QCOMPARE(model.profile(a)->name, QStringLiteral("a renamed"));
        QCOMPARE(secrets.secrets().value(QStringLiteral("profile/") + a), QByteArray("ta"));

        QSignalSpy removed(&model, &ProfilesModel::removed);
        model.remove(a);
        QTRY_COMPARE(removed.size(), 1);
        QCOMPARE(model.rowCount(), 1);
        QVERIFY(!secrets.secrets().contains(QStringLiteral("profile/") + a));
        QCOMPARE(secrets.secrets().size(), 1);
        ProfilesModel reloaded(&secrets, m_dir.filePath(QStringLiteral("remove.ini")));
        QCOMPARE(reloaded.rowCount(), 1);
        QCOMPARE(reloaded.data(reloaded.index(0), ProfilesModel::NameRole).toString(), QStringLiteral("b"));
    }

    // --- TLS trust against a real TLS server --------------------------------------------------

    void theSpkiPinMatchesOpenssl()
    {
        const QByteArray ours = TlsTrust::spkiPin(certificate(QStringLiteral("good.crt")));
        QProcess shell;
        shell.setWorkingDirectory(m_dir.path());
        shell.start(
            QStringLiteral("sh"),
            {QStringLiteral("-c"), QStringLiteral("openssl x509 -in good.crt -pubkey -noout | openssl pkey "
                                                  "-pubin -outform der | openssl dgst -sha256 -binary | "
                                                  "base64")});
        QVERIFY(shell.waitForFinished(10'000));
        QCOMPARE(ours, shell.readAllStandardOutput().trimmed());
        QVERIFY(isValidPin(ours));
    }

    void tlsTrust_data()
    {
        QTest::addColumn<QString>("leaf");
        QTest::addColumn<QString>("trust");   // system, ca, otherca, pin, backuppin, wrongpin
        QTest::addColumn<QString>("message"); // empty: connects; otherwise how the refusal starts
        QTest::newRow("trusted CA") << "good"
                                    << "ca" << QString();
        QTest::newRow("unknown CA")
            << "good"
            << "otherca"
            << "The certificate of 127.0.0.1 was issued by \"Meshdeck test ca\", which is not "
               "the CA in this profile's CA file: choose the CA file that issued it, or pin "
               "its key.";
        QTest::newRow("wrong host")
            << "otherhost"
            << "ca"
            << "The certificate is for other.example, not 127.0.0.1: use the name it was "
               "issued for, or fix the certificate.";
        QTest::newRow("expired") << "expired"
                                 << "ca"
                                 << "The certificate of 127.0.0.1 expired on ";
        QTest::newRow("pin match") << "good"
                                   << "pin" << QString();
        QTest::newRow("backup pin match") << "good"
                                          << "backuppin" << QString();
        QTest::newRow("pin mismatch") << "good"
                                      << "wrongpin"
                                      << "The key of 127.0.0.1 (SHA-256 ";
        QTest::newRow("system CAs, unknown")
            << "good"
            << "system"
            << "The certificate of 127.0.0.1 was issued by \"Meshdeck test ca\", "
               "which this system does not trust";
    }

    void tlsTrust()
    {
        QFETCH(QString, leaf);
        QFETCH(QString, trust);
        QFETCH(QString, message);
        TlsServer server(m_dir.filePath(leaf + QStringLiteral(".crt")),
                         m_dir.filePath(leaf + QStringLiteral(".key")));
        QVERIFY(server.port() != 0);
        const QByteArray goodPin = TlsTrust::spkiPin(certificate(QStringLiteral("good.crt")));
        const QByteArray otherPin = TlsTrust::spkiPin(certificate(QStringLiteral("otherhost.crt")));
        TlsPolicy policy;
        if (trust == QLatin1String("ca") || trust == QLatin1String("otherca")) {
            policy.mode = TlsPolicy::Mode::CaCertificates;
            policy.caCertificates = {certificate(trust + QStringLiteral(".crt"))};
        } else if (trust == QLatin1String("pin")) {
            policy.mode = TlsPolicy::Mode::Pinned;
            policy.pins = {goodPin};
        } else if (trust == QLatin1String("backuppin")) {
            policy.mode = TlsPolicy::Mode::Pinned;
            policy.pins = {otherPin, goodPin};
        } else if (trust == QLatin1String("wrongpin")) {
            policy.mode = TlsPolicy::Mode::Pinned;
            policy.pins = {otherPin};
        }
        HttpApiClient api;
        api.setTlsPolicy(policy);
        api.setEndpoint(QUrl(QStringLiteral("https://127.0.0.1:%1").arg(server.port())), "token");
        const ApiReply reply = waitForTask(api.get(QStringLiteral("/v1/system/info")));
        if (message.isEmpty()) {
            QVERIFY2(reply.ok(), qPrintable(reply.error));
            QCOMPARE(reply.json.object().value(QStringLiteral("version")).toString(), QStringLiteral("test"));
            QCOMPARE(server.requests(), 1);
        } else {
            QVERIFY(!reply.ok());
            QVERIFY2(reply.error.startsWith(message), qPrintable(reply.error));
            QVERIFY(!reply.unreachable); // a refusal is not a dead node: no failover, no blind retry
            QVERIFY(reply.tlsRefused);
            QVERIFY(reply.certificate.isNull());
            QCOMPARE(server.requests(), 0); // the token never reached the server
        }
    }

    // First contact: no CA and no pin. The certificate is offered, not accepted; trusting it pins
    // its key and the next attach connects.
    void firstContactOffersTheFingerprintThenConnects()
    {
        TlsServer server(m_dir.filePath(QStringLiteral("good.crt")),
                         m_dir.filePath(QStringLiteral("good.key")));
        FakeSecretStore secrets;
        ProfilesModel profiles(&secrets, m_dir.filePath(QStringLiteral("tofu.ini")));
        QSignalSpy saved(&profiles, &ProfilesModel::saved);
        QCOMPARE(profiles.save(fields(QStringLiteral("tofu"),
                                      QStringLiteral("https://127.0.0.1:%1").arg(server.port())),
                               QStringLiteral("token")),
                 QString());
        QTRY_COMPARE(saved.size(), 1);
        const QString id = saved.at(0).at(0).toString();

        HttpApiClient api;
        BackendConnection connection(&api, {});
        connection.attachNodes(profiles.profile(id)->urls, "token", profiles.profile(id)->tlsPolicy());
        QTRY_COMPARE(connection.state(), BackendConnection::State::Refused);
        const QVariantMap offer = connection.certificateOffer();
        QCOMPARE(offer.value(QStringLiteral("pin")).toByteArray(),
                 TlsTrust::spkiPin(certificate(QStringLiteral("good.crt"))));
        QCOMPARE(offer.value(QStringLiteral("subject")).toString(), QStringLiteral("good"));
        QVERIFY(!offer.value(QStringLiteral("validUntil")).toString().isEmpty());
        QVERIFY(connection.pendingOffer().validUntil > QDateTime::currentDateTime());
        QVERIFY2(connection.errorString().contains(QStringLiteral("Compare its fingerprint")),
                 qPrintable(connection.errorString()));
        QCOMPARE(server.requests(), 0);

        profiles.pinKey(id, connection.pendingOffer().pin);
        QCOMPARE(profiles.profile(id)->trust, ClusterProfile::Trust::Pinned);
        connection.attachNodes(profiles.profile(id)->urls, "token", profiles.profile(id)->tlsPolicy());
        QTRY_COMPARE(connection.state(), BackendConnection::State::Connected);
        QCOMPARE(connection.systemInfo().value(QStringLiteral("version")).toString(), QStringLiteral("test"));
    }

    void failoverAttachesTheNextNode()
    {
        TlsServer live(m_dir.filePath(QStringLiteral("good.crt")),
                       m_dir.filePath(QStringLiteral("good.key")));
        QTcpServer probe; // a port that was just free: nothing listens there once it is closed
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 deadPort = probe.serverPort();
        probe.close();

        TlsPolicy policy;
        policy.mode = TlsPolicy::Mode::CaCertificates;
        policy.caCertificates = {certificate(QStringLiteral("ca.crt"))};
        HttpApiClient api;
        BackendConnection::Settings settings;
        settings.firstRetryMs = 60'000; // a retry would hide a missing failover
        BackendConnection connection(&api, settings);
        const QUrl dead(QStringLiteral("https://127.0.0.1:%1").arg(deadPort));
        const QUrl alive(QStringLiteral("https://127.0.0.1:%1").arg(live.port()));
        connection.attachNodes({dead, alive}, "token", policy);
        QTRY_COMPARE(connection.state(), BackendConnection::State::Connected);
        QCOMPARE(connection.url(), alive);
        QCOMPARE(live.requests(), 1);
    }

    // The attached node dies: the heartbeat notices, and the connection moves to the next node
    // without waiting for a retry.
    void anAttachedNodeThatDiesFailsOverToTheNext()
    {
        auto first = std::make_unique<TlsServer>(m_dir.filePath(QStringLiteral("good.crt")),
                                                 m_dir.filePath(QStringLiteral("good.key")));
        TlsServer second(m_dir.filePath(QStringLiteral("good.crt")),
                         m_dir.filePath(QStringLiteral("good.key")));
        TlsPolicy policy;
        policy.mode = TlsPolicy::Mode::CaCertificates;
        policy.caCertificates = {certificate(QStringLiteral("ca.crt"))};
        HttpApiClient api;
        BackendConnection::Settings settings;
        settings.heartbeatMs = 100;
        settings.firstRetryMs = 60'000; // a retry would hide a missing failover
        BackendConnection connection(&api, settings);
        const QUrl a(QStringLiteral("https://127.0.0.1:%1").arg(first->port()));
        const QUrl b(QStringLiteral("https://127.0.0.1:%1").arg(second.port()));
        connection.attachNodes({a, b}, "token", policy);
        QTRY_COMPARE(connection.state(), BackendConnection::State::Connected);
        QCOMPARE(connection.url(), a);
        QCOMPARE(connection.nodeIndex(), 0);
        first.reset(); // the node is gone: its port refuses
        QTRY_COMPARE_WITH_TIMEOUT(connection.url(), b, 5000);
        QTRY_COMPARE(connection.state(), BackendConnection::State::Connected);
        QCOMPARE(connection.nodeIndex(), 1);
        QVERIFY(second.requests() >= 1);
    }

    // The members list: GET /v1/system/cluster until the `cluster` channel's snapshot, then the
    // channel's changes, in place; meshdeckd's field names (advertiseUrl, lastSeenAt,
    // openConnections) reach the roles.
    void membersFollowTheClusterChannel()
    {
        const auto member = [](const QString &id, const QString &state, int connections = 0) {
            return QJsonObject{{QStringLiteral("nodeId"), id},
                               {QStringLiteral("advertiseUrl"), QStringLiteral("http://%1:7700").arg(id)},
                               {QStringLiteral("version"), QStringLiteral("1.0")},
                               {QStringLiteral("state"), state},
                               {QStringLiteral("lastSeenAt"), QStringLiteral("2026-11-30T01:00:00.000Z")},
                               {QStringLiteral("openConnections"), connections},
                               {QStringLiteral("load"), 0.5}};
        };
        const auto members = [](const QJsonArray &list) {
            return QJsonObject{{QStringLiteral("mode"), QStringLiteral("cluster")},
                               {QStringLiteral("members"), list}};
        };
        FakeApiClient api;
        api.setReply(
            QStringLiteral("/v1/system/cluster"),
            ApiReply{200,
                     QJsonDocument(members({member(QStringLiteral("n1"), QStringLiteral("serving"), 2)})),
                     {}});
        RealtimeClient realtime;
        ClusterMembersModel model(&api, &realtime);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto state = [&model](int row) {
            return model.data(model.index(row), ClusterMembersModel::StateRole).toString();
        };

        model.refresh();
        QTRY_COMPARE(model.rowCount(), 1);
        QVERIFY(!model.isLive());
        QCOMPARE(model.data(model.index(0), ClusterMembersModel::UrlRole).toString(),
                 QStringLiteral("http://n1:7700"));
        QCOMPARE(model.data(model.index(0), ClusterMembersModel::ConnectionsRole).toInt(), 2);
        QCOMPARE(model.data(model.index(0), ClusterMembersModel::LastSeenRole).toString(),
                 QStringLiteral("2026-11-30T01:00:00.000Z"));

        model.start();
        QJsonObject snapshot = members({member(QStringLiteral("n1"), QStringLiteral("serving")),
                                        member(QStringLiteral("n2"), QStringLiteral("joining"))});
        snapshot.insert(QStringLiteral("type"), QStringLiteral("snapshot"));
        Q_EMIT realtime.message(QStringLiteral("cluster"), snapshot);
        QVERIFY(model.isLive());
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(state(1), QStringLiteral("joining"));

        // Changes: in place for a known node, appended for a new one; other channels are not members.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        const auto change = [](const QJsonObject &m) {
            return QJsonObject{{QStringLiteral("type"), QStringLiteral("change")},
                               {QStringLiteral("member"), m}};
        };
        Q_EMIT realtime.message(QStringLiteral("cluster"),
                                change(member(QStringLiteral("n2"), QStringLiteral("serving"))));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(state(1), QStringLiteral("serving"));
        QCOMPARE(changed.size(), 1);
        Q_EMIT realtime.message(QStringLiteral("cluster"),
                                change(member(QStringLiteral("n1"), QStringLiteral("gone"))));
        Q_EMIT realtime.message(QStringLiteral("cluster"),
                                change(member(QStringLiteral("n3"), QStringLiteral("joining"))));
        Q_EMIT realtime.message(QStringLiteral("registry"),
                                change(member(QStringLiteral("n4"), QStringLiteral("joining"))));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(state(0), QStringLiteral("gone"));
        QCOMPARE(state(2), QStringLiteral("joining"));

        // While live, an HTTP list (older than the channel's last change, perhaps) replaces nothing.
        const qsizetype requests = api.requestedPaths().size();
        model.refresh();
        QTRY_COMPARE(api.requestedPaths().size(), requests + 1);
        QCOMPARE(model.rowCount(), 3);

        // The socket is gone: the rows stay (the same cluster) but follow nothing until a snapshot.
        Q_EMIT realtime.connectedChanged();
        QVERIFY(!model.isLive());
        QCOMPARE(model.rowCount(), 3);
        Q_EMIT realtime.message(QStringLiteral("cluster"), snapshot);
        QVERIFY(model.isLive());
        QCOMPARE(model.rowCount(), 2);

        // Another backend: empty at once, loading until it answers.
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(model.isLoading());
        QVERIFY(!model.isLive());
    }

    // An open realtime connection that drops is reported at once (lost()), so the console asks the
    // node and fails over without waiting for a retry; a node that takes the retry back is fine.
    void aDroppedRealtimeConnectionIsReportedAtOnce()
    {
        QWebSocketServer server(QStringLiteral("test"), QWebSocketServer::NonSecureMode);
        QVERIFY(server.listen(QHostAddress::LocalHost));
        QList<QWebSocket *> sessions;
        connect(&server, &QWebSocketServer::newConnection, this, [&] {
            QWebSocket *socket = server.nextPendingConnection();
            sessions << socket;
            socket->sendTextMessage(QStringLiteral(R"({"type":"welcome"})"));
        });
        RealtimeClient realtime;
        QSignalSpy lost(&realtime, &RealtimeClient::lost);
        realtime.setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort())), "token");
        QTRY_VERIFY(realtime.isConnected());
        QCOMPARE(lost.size(), 0);
        sessions.first()->abort(); // the node's end goes away
        QTRY_COMPARE(lost.size(), 1);
        QCOMPARE(sessions.size(), 1);        // before any retry
        QTRY_VERIFY(realtime.isConnected()); // the retry finds the node again
        QCOMPARE(sessions.size(), 2);
        QCOMPARE(lost.size(), 1);
        qDeleteAll(sessions);
    }

private:
    QSslCertificate certificate(const QString &name) const
    {
        QFile file(m_dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            return QSslCertificate();
        return QSslCertificate(file.readAll(), QSsl::Pem);
    }

    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestClusters)
#include "tst_clusters.moc"
