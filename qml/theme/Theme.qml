pragma Singleton
import QtQuick
import Meshdeck.Core

// Colours and metrics of both themes; every page takes its colours from here.
QtObject {
    readonly property bool dark: Console.settings.dark

    readonly property color background: dark ? "#15171c" : "#f5f6f8"
    readonly property color surface: dark ? "#1e2128" : "#ffffff"
    readonly property color sidebar: dark ? "#101216" : "#e9ecf1"
    readonly property color selection: dark ? "#2a3342" : "#d6e4ff"
    readonly property color text: dark ? "#e7e9ee" : "#1a1d23"
    readonly property color mutedText: dark ? "#9ba2ae" : "#5a6170"
    readonly property color border: dark ? "#2b2f38" : "#dadee5"
    readonly property color accent: dark ? "#6ea8ff" : "#2563eb"
    readonly property color passing: "#1f9d63"
    readonly property color warning: "#d48806"
    readonly property color critical: "#d93636"
    readonly property color idle: "#8a919e"

    readonly property int spacing: 12
    readonly property int radius: 6
    readonly property string monospace: "monospace"
}
