#include "healthprobe.h"

#include <QHostAddress>
#include <QTcpSocket>

namespace Meshdeck::Registry {

namespace {
constexpr qsizetype MaxResponseBytes = 8 * 1024; // head and the start of the body: the output
constexpr qsizetype MaxOutputChars = 256;

QString excerpt(QByteArray body)
{
    QString text = QString::fromUtf8(body).simplified();
    if (text.size() > MaxOutputChars)
        text = text.first(MaxOutputChars - 1) + QChar(0x2026);
    return text;
}
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
        if (parseResponse(true))
            return;
        finish(false, m_received.isEmpty() ? QStringLiteral("the connection closed without a response")
                                           : QStringLiteral("the response was not HTTP"));
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
    if (m_received.size() >= MaxResponseBytes)
        parseResponse(true);
}

// Parses the status line (and what arrived of the body); true when it reported.
bool HealthProbe::parseResponse(bool complete)
{
    const qsizetype lineEnd = m_received.indexOf("\r\n");
    if (lineEnd < 0 || !m_received.startsWith("HTTP/1."))
        return false;
    const QList<QByteArray> parts = m_received.first(lineEnd).split(' ');
    bool ok = false;
    const int status = parts.size() >= 2 ? parts[1].toInt(&ok) : 0;
    if (!ok)
        return false;
    const qsizetype headEnd = m_received.indexOf("\r\n\r\n");
    if (headEnd < 0 && !complete)
        return false;
    const QByteArray reason = parts.size() >= 3
                                  ? m_received.first(lineEnd).mid(parts[0].size() + parts[1].size() + 2)
                                  : QByteArray();
    const QByteArray body = headEnd < 0 ? QByteArray() : m_received.mid(headEnd + 4);
    QString output = QStringLiteral("HTTP %1 %2").arg(status).arg(QString::fromLatin1(reason));
    const QString text = excerpt(body);
    if (!text.isEmpty())
        output += QStringLiteral(": ") + text;
    finish(status >= 200 && status < 300, output);
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
