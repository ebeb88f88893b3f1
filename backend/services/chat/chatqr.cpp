#include "chatqr.h"

#include <qrcodegen.hpp>

#include <QtEndian>

#include <array>

namespace Meshdeck::Chat::ChatQr {

namespace {
constexpr int QuietZone = 4; // modules of white around the code, as the QR standard asks

qrcodegen::QrCode encode(const QString &text)
{
    return qrcodegen::QrCode::encodeText(text.toUtf8().constData(), qrcodegen::QrCode::Ecc::MEDIUM);
}

const std::array<quint32, 256> &crcTable()
{
    static const std::array<quint32, 256> table = [] {
        std::array<quint32, 256> t{};
        for (quint32 n = 0; n < 256; ++n) {
            quint32 c = n;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    return table;
}

quint32 crc32(QByteArrayView bytes)
{
    quint32 c = 0xFFFFFFFFu;
    for (char b : bytes)
        c = crcTable()[(c ^ quint8(b)) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

void appendBigEndian(QByteArray &out, quint32 value)
{
    char bytes[4];
    qToBigEndian(value, bytes);
    out.append(bytes, 4);
}

// One PNG chunk: length, type, data, CRC over type and data.
void appendChunk(QByteArray &out, const char *type, const QByteArray &data)
{
    appendBigEndian(out, quint32(data.size()));
    QByteArray typed = QByteArray(type, 4) + data;
    out.append(typed);
    appendBigEndian(out, crc32(typed));
}
} // namespace

QByteArray svg(const QString &text)
{
    const qrcodegen::QrCode qr = encode(text);
    const int size = qr.getSize();
    const int total = size + 2 * QuietZone;
    QByteArray path;
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x)
            if (qr.getModule(x, y))
                path += 'M' + QByteArray::number(x + QuietZone) + ',' + QByteArray::number(y + QuietZone) +
                        "h1v1h-1z";
    const QByteArray dimension = QByteArray::number(total);
    return QByteArrayLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                             "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 ") +
           dimension + ' ' + dimension + QByteArrayLiteral("\" width=\"") + QByteArray::number(total * 8) +
           QByteArrayLiteral("\" height=\"") + QByteArray::number(total * 8) +
           QByteArrayLiteral("\" stroke=\"none\" shape-rendering=\"crispEdges\">\n"
                             "<rect width=\"100%\" height=\"100%\" fill=\"#FFFFFF\"/>\n<path d=\"") +
           path + QByteArrayLiteral("\" fill=\"#000000\"/>\n</svg>\n");
}

QByteArray png(const QString &text, int scale)
{
    scale = qBound(1, scale, 64);
    const qrcodegen::QrCode qr = encode(text);
    const int size = qr.getSize();
    const int pixels = (size + 2 * QuietZone) * scale;

    // Scanlines: a filter byte (0, none) then one grey byte per pixel.
    QByteArray raw;
    raw.reserve((pixels + 1) * pixels);
    for (int py = 0; py < pixels; ++py) {
        raw.append('\0');
        const int my = py / scale - QuietZone;
        for (int px = 0; px < pixels; ++px) {
            const int mx = px / scale - QuietZone;
            const bool dark = mx >= 0 && my >= 0 && mx < size && my < size && qr.getModule(mx, my);
            raw.append(dark ? '\0' : char(0xFF));
        }
    }
    // qCompress is a zlib stream behind a 4-byte length prefix; PNG's IDAT is that zlib stream.
    const QByteArray idat = qCompress(raw, 9).mid(4);

    QByteArray header;
    appendBigEndian(header, quint32(pixels));
    appendBigEndian(header, quint32(pixels));
    header.append(char(8)); // bit depth
    header.append(char(0)); // colour type: greyscale
    header.append(char(0)); // compression: deflate
    header.append(char(0)); // filter method
    header.append(char(0)); // no interlace

    QByteArray out = QByteArrayLiteral("\x89PNG\r\n\x1a\n");
    appendChunk(out, "IHDR", header);
    appendChunk(out, "IDAT", idat);
    appendChunk(out, "IEND", {});
    return out;
}

} // namespace Meshdeck::Chat::ChatQr
