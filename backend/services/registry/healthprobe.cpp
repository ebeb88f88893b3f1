#include "healthprobe.h"

#include "healthresponse.h"

#include <QHostAddress>
#include <QTcpSocket>

namespace Meshdeck::Registry {

namespace {
constexpr qsizetype MaxResponseBytes = 8 * 1024; // head and the start of the body: the output
} // namespace

void HealthProbe::start(const QString &address, int port, const QString &path, int timeoutMs, Callback done,
                        QObject *parent)
{
    new HealthProbe(address, port, path, timeoutMs, std::move(done), parent);
}

HealthProbe::HealthProbe(const QString &address, int port, const QString &path, int timeoutMs, Callback done,
                         QObject *parent)
    : QObject(parent)
    , m_socket(new QTcpSocket(this))
    , m_address(address)
    , m_path(path)
    , m_done(std::move(done))
{
    m_elapsed.start();
    m_timeout.setSingleShot(true);
    m_timeout.setTimerType(Qt::PreciseTimer);
    connect(&m_timeout, &QTimer::timeout, this,
            [this, timeoutMs] { finish(false, QStringLiteral("timed out after %1 ms").arg(timeoutMs)); });
    connect(m_socket, &QTcpSocket::connected, this, &HealthProbe::onConnected);
    connect(m_socket, &QTcpSocket::readyRead, this, &HealthProbe::onReadyRead);
    auto closed = [this] {
        m_received += m_socket->readAll();
        if (m_received.isEmpty())
            finish(false, QStringLiteral("the connection closed without a response"));
        else
            parseResponse(true);
    };
    connect(m_socket, &QTcpSocket::disconnected, this, closed);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this, closed](QAbstractSocket::SocketError error) {
        if (error == QAbstractSocket::RemoteHostClosedError && !m_path.isEmpty())
            closed();
        else
            finish(false, m_socket->errorString().toLower());
    });
    m_timeout.start(timeoutMs);
    m_socket->connectToHost(address, quint16(port));
}

void HealthProbe::onConnected()
{
    if (m_path.isEmpty()) {
        finish(true,
               QStringLiteral("TCP connect to %1:%2 succeeded").arg(m_address).arg(m_socket->peerPort()));
        return;
    }
    QString host = m_address;
    if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    const QByteArray request =
        "GET " + m_path.toUtf8() + " HTTP/1.1\r\nHost: " + host.toUtf8() + ':' +
        QByteArray::number(m_socket->peerPort()) +
        "\r\nUser-Agent: meshdeckd-health/1\r\nAccept: */*\r\nConnection: close\r\n\r\n";
    m_socket->write(request);
}

void HealthProbe::onReadyRead()
{
    m_received += m_socket->readAll();
    // The status line and the head are enough; what came of the body with them is the excerpt.
    parseResponse(m_received.size() >= MaxResponseBytes);
}

// Reports once the response says enough (or the peer closed); true when it reported.
bool HealthProbe::parseResponse(bool complete)
{
    const HealthResponse r = parseHealthResponse(m_received, complete);
    if (r.state == HealthResponse::State::Incomplete)
        return false;
    if (r.state == HealthResponse::State::Invalid) {
        finish(false, QStringLiteral("the response was not HTTP"));
        return true;
    }
    finish(r.passed(), r.output);
    return true;
}

void HealthProbe::finish(bool ok, const QString &output)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timeout.stop();
    m_socket->disconnect(this);
    m_socket->abort();
    Result result{ok, int(m_elapsed.elapsed()), output};
    m_done(result);
    deleteLater();
}

} // namespace Meshdeck::Registry
