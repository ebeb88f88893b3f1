#pragma once

#include <QByteArray>
#include <QString>

namespace Meshdeck::Chat::ChatQr {

// A QR code (libqrcodegencpp, error correction level M, a 4-module quiet zone) of `text`,
// rendered as an SVG document: one path of dark squares on a white background.
QByteArray svg(const QString &text);

// The same code as a PNG: 8-bit greyscale, `scale` pixels per module. Written here with zlib's
// deflate (through qCompress), so the backend needs no QtGui for an image.
QByteArray png(const QString &text, int scale = 8);

} // namespace Meshdeck::Chat::ChatQr
