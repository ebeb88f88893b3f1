#include "testing.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QWebSocket>

#include <csignal>

using namespace Meshdeck::Testing;

// meshdeckd --tls-cert/--tls-key: HTTPS and WSS only on its port, the same timeouts and cap as
// plain HTTP, and SIGHUP reloading the certificate. Every certificate is made here at run time
// with the openssl command line; no key material is committed.

namespace {

bool openssl(const QStringList &arguments, const QString &workDir, QByteArray *output = nullptr)
{
    QProcess p;
    p.setWorkingDirectory(workDir);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral("openssl"), arguments);
    if (!p.waitForStarted(10'000))
        return false;
    p.closeWriteChannel();
    if (!p.waitForFinished(60'000))
        return false;
    const QByteArray out = p.readAll();
    if (output)
        *output = out;
    else if (p.exitCode() != 0)
        qWarning().noquote() << "openssl" << arguments.join(QLatin1Char(' ')) << "failed:" << out;
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// A GET on an open connection; the response's status (0 when none came).
int get(RawHttp &c, const QByteArray &path, const QByteArray &token = {})
{
    QByteArray r = "GET " + path + " HTTP/1.1\r\nHost: t\r\n";
    if (!token.isEmpty())
        r += "Authorization: Bearer " + token + "\r\n";
    c.send(r + "\r\n");
    return c.read(10'000).status;
}

// meshdeck_http_open_connections from /metrics, asked on an open connection (-1 when unreadable).
int openConnections(RawHttp &c)
{
    c.send("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n");
    const QByteArray body = c.read(10'000).body;
    const QByteArray name = "\nmeshdeck_http_open_connections ";
    const qsizetype at = body.indexOf(name);
    if (at < 0)
        return -1;
    const qsizetype start = at + name.size();
    return body.mid(start, body.indexOf('\n', start) - start).toInt();
}

} // namespace

class TestTls : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString d = m_dir.path();
        QVERIFY(writeFile(d + QStringLiteral("/server.ext"),
                          "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                          "extendedKeyUsage=serverAuth\n"));
        QVERIFY(openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                         QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                         QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                         QStringLiteral("-keyout"), QStringLiteral("ca.key"), QStringLiteral("-out"),
                         QStringLiteral("ca.crt"), QStringLiteral("-days"), QStringLiteral("2"),
                         QStringLiteral("-subj"), QStringLiteral("/CN=Meshdeck Test CA")},
                        d));
        // "a" is an EC key, "b" an RSA key: both kinds load.
        QVERIFY(makeServerCert(QStringLiteral("a"), {QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                                                     QStringLiteral("ec_paramgen_curve:prime256v1")}));
        QVERIFY(makeServerCert(QStringLiteral("b"), {QStringLiteral("rsa:2048")}));
        const auto ca = QSslCertificate::fromPath(d + QStringLiteral("/ca.crt"));
        QCOMPARE(ca.size(), 1);
        m_ca = ca.constFirst();
        m_certA = QSslCertificate::fromPath(d + QStringLiteral("/a.crt")).value(0);
        m_certB = QSslCertificate::fromPath(d + QStringLiteral("/b.crt")).value(0);
        QVERIFY(!m_certA.isNull() && !m_certB.isNull() && m_certA != m_certB);
    }

    void badFlagsExitWithUsageCode_data()
    {
        QTest::addColumn<QStringList>("flags");
        QTest::addColumn<QString>("message");
        const QString d = m_dir.path();
        const QString certA = d + QStringLiteral("/a.crt");
        const QString keyA = d + QStringLiteral("/a.key");
        QVERIFY(writeFile(d + QStringLiteral("/notpem.txt"), "this is not a PEM file\n"));
        QTest::newRow("cert without key")
            << QStringList{QStringLiteral("--tls-cert"), certA} << QStringLiteral("give both or neither");
        QTest::newRow("key without cert")
            << QStringList{QStringLiteral("--tls-key"), keyA} << QStringLiteral("give both or neither");
        QTest::newRow("missing cert file")
            << QStringList{QStringLiteral("--tls-cert"), d + QStringLiteral("/nothere.crt"),
                           QStringLiteral("--tls-key"), keyA}
            << QStringLiteral("cannot read it");
        QTest::newRow("cert not PEM")
            << QStringList{QStringLiteral("--tls-cert"), d + QStringLiteral("/notpem.txt"),
                           QStringLiteral("--tls-key"), keyA}
            << QStringLiteral("no PEM certificate");
        QTest::newRow("key not PEM") << QStringList{QStringLiteral("--tls-cert"), certA,
                                                    QStringLiteral("--tls-key"),
                                                    d + QStringLiteral("/notpem.txt")}
                                     << QStringLiteral("no unencrypted PEM private key");
        QTest::newRow("key of another cert")
            << QStringList{QStringLiteral("--tls-cert"), certA, QStringLiteral("--tls-key"),
                           d + QStringLiteral("/b.key")}
            << QStringLiteral("does not belong to the certificate");
    }

    void badFlagsExitWithUsageCode()
    {
        QFETCH(QStringList, flags);
        QFETCH(QString, message);
        QTemporaryDir data;
        QProcess p;
        p.start(binary(QStringLiteral("meshdeckd")),
                QStringList{QStringLiteral("--data-dir"), data.path(), QStringLiteral("--listen"),
                            QStringLiteral("127.0.0.1:0")} +
                    flags);
        QVERIFY(p.waitForFinished(10'000));
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.contains(message.toUtf8()), err.constData());
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardOutput().isEmpty()); // no ready line
    }

    void servesHttpsVerifiedByTheCa()
    {
        BackendProcess backend;
        QVERIFY2(backend.start(tlsFlags(copyPair(QStringLiteral("a")))), backend.stderrText().constData());
        QCOMPARE(backend.url().scheme(), QStringLiteral("https"));
        RawHttp c;
        QVERIFY2(c.connectEncrypted(backend.port(), clientConfiguration()),
                 qPrintable(c.socket().errorString()));
        QCOMPARE(c.socket().peerCertificate(), m_certA);
        QVERIFY(c.socket().sessionProtocol() == QSsl::TlsV1_3 ||
                c.socket().sessionProtocol() == QSsl::TlsV1_2);
        QCOMPARE(c.socket().sslConfiguration().nextNegotiatedProtocol(),
                 QByteArray(QSslConfiguration::NextProtocolHttp1_1));
        QCOMPARE(get(c, "/healthz"), 200);
        QCOMPARE(get(c, "/v1/system/info", backend.token()), 200); // keep-alive over TLS
        QCOMPARE(get(c, "/v1/system/info"), 401);
        QCOMPARE(backend.terminate(), 0);
    }

    void wssRealtimeDeliversEvents()
    {
        BackendProcess backend;
        QVERIFY2(backend.start(tlsFlags(copyPair(QStringLiteral("a")))), backend.stderrText().constData());
        QCOMPARE(call(backend, "POST", "/v1/events/topics", "{\"name\":\"secure\"}"), 201);

        QWebSocket socket;
        QList<QJsonObject> messages;
        connect(&socket, &QWebSocket::textMessageReceived, &socket,
                [&messages](const QString &m) { messages << QJsonDocument::fromJson(m.toUtf8()).object(); });
        const auto has = [&messages](const QString &type) {
            return std::any_of(messages.cbegin(), messages.cend(), [&type](const QJsonObject &m) {
                return m.value(QStringLiteral("type")).toString() == type;
            });
        };
        socket.setSslConfiguration(clientConfiguration());
        QNetworkRequest request(QUrl(QStringLiteral("wss://127.0.0.1:%1/v1/realtime").arg(backend.port())));
        request.setRawHeader("Authorization", "Bearer " + backend.token());
        socket.open(request);
        QTRY_VERIFY_WITH_TIMEOUT(has(QStringLiteral("welcome")), 10'000);
        socket.sendTextMessage(QStringLiteral("{\"type\":\"subscribe\",\"channel\":\"events.secure\"}"));
        QTRY_VERIFY_WITH_TIMEOUT(has(QStringLiteral("subscribed")), 10'000);
        QCOMPARE(call(backend, "POST", "/v1/events/topics/secure/events",
                      "{\"events\":[{\"type\":\"t\",\"data\":{\"over\":\"wss\"}}]}"),
                 201);
        QTRY_VERIFY_WITH_TIMEOUT(has(QStringLiteral("event")), 10'000);
        const auto event = std::find_if(messages.cbegin(), messages.cend(), [](const QJsonObject &m) {
            return m.value(QStringLiteral("type")).toString() == QLatin1String("event");
        });
        QCOMPARE(event->value(QStringLiteral("event"))
                     .toObject()
                     .value(QStringLiteral("data"))
                     .toObject()
                     .value(QStringLiteral("over")),
                 QJsonValue(QStringLiteral("wss")));
        socket.close();
        QCOMPARE(backend.terminate(), 0);
    }

    void refusesTls11()
    {
        BackendProcess backend;
        QVERIFY2(backend.start(tlsFlags(copyPair(QStringLiteral("a")))), backend.stderrText().constData());
        const QString target = QStringLiteral("127.0.0.1:%1").arg(backend.port());
        const QString ca = m_dir.path() + QStringLiteral("/ca.crt");
        // The same client with TLS 1.2 connects, verifies and negotiates http/1.1 ...
        QByteArray out;
        QVERIFY2(openssl({QStringLiteral("s_client"), QStringLiteral("-connect"), target,
                          QStringLiteral("-tls1_2"), QStringLiteral("-CAfile"), ca,
                          QStringLiteral("-verify_return_error"), QStringLiteral("-alpn"),
                          QStringLiteral("http/1.1")},
                         m_dir.path(), &out),
                 out.constData());
        QVERIFY2(out.contains("ALPN protocol: http/1.1"), out.constData());
        // ... and with TLS 1.1 only (allowed on the client's side) it is refused by the server.
        QVERIFY(!openssl({QStringLiteral("s_client"), QStringLiteral("-connect"), target,
                          QStringLiteral("-tls1_1"), QStringLiteral("-cipher"),
                          QStringLiteral("DEFAULT@SECLEVEL=0"), QStringLiteral("-CAfile"), ca},
                         m_dir.path(), &out));
        QVERIFY2(out.contains("alert protocol version") || out.contains("unsupported protocol"),
                 out.constData());
        QTRY_VERIFY_WITH_TIMEOUT(backend.stderrText().contains("TLS handshake with 127.0.0.1 failed"), 5000);
        QCOMPARE(backend.terminate(), 0);
    }

    void plainHttpOnTheTlsPortIsClosedQuietly()
    {
        BackendProcess backend;
        QVERIFY2(backend.start(tlsFlags(copyPair(QStringLiteral("a")))), backend.stderrText().constData());
        RawHttp plain;
        QVERIFY(plain.connectTo(backend.port()));
        plain.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
        QVERIFY(plain.waitClosed(10'000));
        QVERIFY(!plain.read(100).valid()); // no HTTP response came back
        QTRY_COMPARE_WITH_TIMEOUT(backend.stderrText().count("TLS handshake with 127.0.0.1 failed"), 1, 5000);
        // Still serving, and that failure stayed one log line.
        RawHttp c;
        QVERIFY(c.connectEncrypted(backend.port(), clientConfiguration()));
        QCOMPARE(get(c, "/healthz"), 200);
        QCOMPARE(backend.stderrText().count("TLS handshake with 127.0.0.1 failed"), 1);
        // The failed one is not left counted. Read once per try: the built-in services' TCP checks
        // connect to this port now and then, so a second reading may briefly count one more.
        int open = -1;
        QTRY_VERIFY2_WITH_TIMEOUT((open = openConnections(c)) == 1, QByteArray::number(open).constData(),
                                  5000);
        QCOMPARE(backend.terminate(), 0);
    }

    void stalledHandshakesCloseAtTheHeaderTimeout()
    {
        BackendProcess backend;
        QStringList flags = tlsFlags(copyPair(QStringLiteral("a")));
        flags << QStringLiteral("--header-timeout-ms") << QStringLiteral("500");
        QVERIFY2(backend.start(flags), backend.stderrText().constData());
        RawHttp silent;
        QVERIFY(silent.connectTo(backend.port()));
        // A ClientHello record header announcing 512 bytes, followed by only a few of them.
        RawHttp half;
        QVERIFY(half.connectTo(backend.port()));
        half.send(QByteArray::fromHex("160301020001000200fc0303") + QByteArray(16, '\x42'));
        QVERIFY(silent.socket().state() == QAbstractSocket::ConnectedState);
        QVERIFY(silent.waitClosed(10'000));
        QVERIFY(half.waitClosed(10'000));
        QTRY_COMPARE_WITH_TIMEOUT(backend.stderrText().count("did not finish within 500 ms"), 2, 5000);
        RawHttp c;
        QVERIFY(c.connectEncrypted(backend.port(), clientConfiguration()));
        QCOMPARE(get(c, "/healthz"), 200);
        int open = -1; // read once per try, as above
        QTRY_VERIFY2_WITH_TIMEOUT((open = openConnections(c)) == 1, QByteArray::number(open).constData(),
                                  5000);
        QCOMPARE(backend.terminate(), 0);
    }

    void connectionCapCountsTlsConnections()
    {
        BackendProcess backend;
        QStringList flags = tlsFlags(copyPair(QStringLiteral("a")));
        // One thread, so the connections are adopted in the order they connect.
        flags << QStringLiteral("--max-connections") << QStringLiteral("2") << QStringLiteral("--threads")
              << QStringLiteral("1") << QStringLiteral("--header-timeout-ms") << QStringLiteral("1500");
        QVERIFY2(backend.start(flags), backend.stderrText().constData());
        RawHttp first;
        QVERIFY(first.connectEncrypted(backend.port(), clientConfiguration()));
        QCOMPARE(get(first, "/healthz"), 200); // now idle: the idle timeout (60 s) applies to it
        RawHttp stalled;
        QVERIFY(stalled.connectTo(backend.port()));
        // Over the cap: the handshake completes and the client reads the 503 plain HTTP gets (it
        // used to be closed without a word), then the connection closes.
        RawHttp third;
        QVERIFY(third.connectEncrypted(backend.port(), clientConfiguration()));
        const RawResponse refused = third.read(10'000);
        QCOMPARE(refused.status, 503);
        QVERIFY2(refused.body.contains("too many open connections"), refused.body.constData());
        QCOMPARE(refused.header("retry-after"), QByteArray("1"));
        QVERIFY(third.waitClosed(10'000));
        // The stalled handshake times out and frees its slot; then a new client gets in.
        QVERIFY(stalled.waitClosed(10'000));
        QCOMPARE(get(first, "/healthz"), 200);
        RawHttp fourth;
        QVERIFY(fourth.connectEncrypted(backend.port(), clientConfiguration()));
        QCOMPARE(get(fourth, "/healthz"), 200);
        QCOMPARE(backend.terminate(), 0);
    }

    void builtinServicesPassTheirChecksOverTls()
    {
        BackendProcess backend;
        QVERIFY2(backend.start(tlsFlags(copyPair(QStringLiteral("a")))), backend.stderrText().constData());
        // The node's own services are checked on its own (TLS-only) port, and pass.
        const auto status = [&] {
            RawHttp c;
            if (!c.connectEncrypted(backend.port(), clientConfiguration()))
                return QString();
            c.send("GET /v1/registry/services/meshdeck.system/instances HTTP/1.1\r\nHost: t\r\n"
                   "Authorization: Bearer " +
                   backend.token() + "\r\n\r\n");
            const QJsonArray instances = QJsonDocument::fromJson(c.read(10'000).body)
                                             .object()
                                             .value(QStringLiteral("instances"))
                                             .toArray();
            return instances.first().toObject().value(QStringLiteral("status")).toString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(status(), QStringLiteral("passing"), 20'000);
        // Checking them failed no handshake; one plain-HTTP client shows that a failure would be logged.
        QCOMPARE(backend.stderrText().count("TLS handshake with"), 0);
        RawHttp plain;
        QVERIFY(plain.connectTo(backend.port()));
        plain.send("GET /readyz HTTP/1.1\r\nHost: t\r\n\r\n");
        QVERIFY(plain.waitClosed(10'000));
        QTRY_COMPARE_WITH_TIMEOUT(backend.stderrText().count("TLS handshake with"), 1, 5000);
        QCOMPARE(backend.terminate(), 0);
    }

    void sighupReloadsForNewConnectionsOnly()
    {
        const QString base = copyPair(QStringLiteral("a"));
        BackendProcess backend;
        QVERIFY2(backend.start(tlsFlags(base)), backend.stderrText().constData());
        RawHttp before;
        QVERIFY(before.connectEncrypted(backend.port(), clientConfiguration()));
        QCOMPARE(before.socket().peerCertificate(), m_certA);
        QCOMPARE(get(before, "/healthz"), 200);

        replacePair(base, QStringLiteral("b"));
        ::kill(pid_t(backend.process().processId()), SIGHUP);
        QTRY_VERIFY_WITH_TIMEOUT(backend.stderrText().contains("reloaded the TLS certificate"), 5000);

        RawHttp after;
        QVERIFY(after.connectEncrypted(backend.port(), clientConfiguration()));
        QCOMPARE(after.socket().peerCertificate(), m_certB);
        QCOMPARE(get(after, "/healthz"), 200);
        // The connection opened before the reload is still open and still usable.
        QCOMPARE(get(before, "/healthz"), 200);
        QCOMPARE(before.socket().peerCertificate(), m_certA);
        QCOMPARE(backend.terminate(), 0);
    }

    void sighupWithABrokenKeyKeepsTheOldCertificate()
    {
        const QString base = copyPair(QStringLiteral("a"));
        BackendProcess backend;
        QVERIFY2(backend.start(tlsFlags(base)), backend.stderrText().constData());
        // The new certificate with the old key: the pair does not match.
        QVERIFY(writeFile(base + QStringLiteral(".crt"), readFile(m_dir.path() + QStringLiteral("/b.crt"))));
        ::kill(pid_t(backend.process().processId()), SIGHUP);
        QTRY_VERIFY_WITH_TIMEOUT(backend.stderrText().contains("kept the current TLS certificate"), 5000);
        QVERIFY2(backend.stderrText().contains("does not belong to the certificate"),
                 backend.stderrText().constData());
        RawHttp c;
        QVERIFY(c.connectEncrypted(backend.port(), clientConfiguration()));
        QCOMPARE(c.socket().peerCertificate(), m_certA);
        QCOMPARE(get(c, "/healthz"), 200);

        // A key file that is not PEM at all, the same.
        QVERIFY(writeFile(base + QStringLiteral(".key"), "garbage\n"));
        ::kill(pid_t(backend.process().processId()), SIGHUP);
        QTRY_VERIFY_WITH_TIMEOUT(backend.stderrText().contains("no unencrypted PEM private key"), 5000);
        RawHttp d;
        QVERIFY(d.connectEncrypted(backend.port(), clientConfiguration()));
        QCOMPARE(d.socket().peerCertificate(), m_certA);
        QCOMPARE(backend.terminate(), 0);
    }

private:
    bool makeServerCert(const QString &name, const QStringList &keySpec)
    {
        const QString d = m_dir.path();
        return openssl(QStringList{QStringLiteral("req"), QStringLiteral("-newkey")} + keySpec +
                           QStringList{QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                                       name + QStringLiteral(".key"), QStringLiteral("-out"),
                                       name + QStringLiteral(".csr"), QStringLiteral("-subj"),
                                       QStringLiteral("/CN=meshdeck-") + name},
                       d) &&
               openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                        name + QStringLiteral(".csr"), QStringLiteral("-CA"), QStringLiteral("ca.crt"),
                        QStringLiteral("-CAkey"), QStringLiteral("ca.key"), QStringLiteral("-set_serial"),
                        QString::number(++m_serial), QStringLiteral("-days"), QStringLiteral("1"),
                        QStringLiteral("-extfile"), QStringLiteral("server.ext"), QStringLiteral("-out"),
                        name + QStringLiteral(".crt")},
                       d);
    }

    // A fresh copy of pair `name` that a test may overwrite; returns its path without extension.
    QString copyPair(const QString &name)
    {
        const QString base = m_dir.path() + QStringLiteral("/served-%1").arg(++m_copies);
        replacePair(base, name);
        return base;
    }

    void replacePair(const QString &base, const QString &name)
    {
        const QString d = m_dir.path() + QLatin1Char('/') + name;
        QVERIFY(writeFile(base + QStringLiteral(".crt"), readFile(d + QStringLiteral(".crt"))));
        QVERIFY(writeFile(base + QStringLiteral(".key"), readFile(d + QStringLiteral(".key"))));
    }

    static QStringList tlsFlags(const QString &base)
    {
        return {QStringLiteral("--tls-cert"), base + QStringLiteral(".crt"), QStringLiteral("--tls-key"),
                base + QStringLiteral(".key")};
    }

    // Trusts only the test CA, verifies the server's name (127.0.0.1), and offers http/1.1.
    QSslConfiguration clientConfiguration() const
    {
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        configuration.setCaCertificates({m_ca});
        configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
        configuration.setAllowedNextProtocols({QByteArray(QSslConfiguration::NextProtocolHttp1_1)});
        return configuration;
    }

    int call(BackendProcess &backend, const QByteArray &method, const QByteArray &path,
             const QByteArray &body)
    {
        RawHttp c;
        if (!c.connectEncrypted(backend.port(), clientConfiguration()))
            return 0;
        c.send(method + ' ' + path + " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + backend.token() +
               "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
               "\r\n\r\n" + body);
        return c.read(10'000).status;
    }

    QTemporaryDir m_dir;
    QSslCertificate m_ca;
    QSslCertificate m_certA;
    QSslCertificate m_certB;
    int m_serial = 0;
    int m_copies = 0;
};

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
