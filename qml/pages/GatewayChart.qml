import QtQuick
import QtCharts
import Meshdeck.Core
import Meshdeck.Theme

// One chart of the selected route over the chosen range: up to four series of the metrics model
// ("rate", "errorPercent", "p50", "p95", "p99", "gatewayP99"). The model works out the axes; the
// 5-minute range follows live.
Item {
    id: chart
    required property GatewayMetricsModel metrics
    property string title
    // The series shown: [{key, name, colour}], at most four.
    property var series: []
    // "rate", "errorPercent" or "latency": which ceiling the value axis takes.
    property string scale: "rate"
    readonly property bool latency: scale === "latency"

    function rebuild() {
        const lines = [line0, line1, line2, line3]
        for (let i = 0; i < lines.length; ++i) {
            lines[i].clear()
            const s = chart.series[i]
            lines[i].visible = s !== undefined
            if (s === undefined)
                continue
            lines[i].name = s.name
            lines[i].color = s.colour
            for (let row = 0; row < chart.metrics.count; ++row) {
                // A second without requests has no latency: a gap, not a fall to 0.
                if (chart.latency && chart.metrics.valueAt(row, "rate") <= 0)
                    continue
                lines[i].append(chart.metrics.valueAt(row, "time"), chart.metrics.valueAt(row, s.key))
            }
        }
    }

    Connections {
        target: Console.gateway
        function onMetricsChanged() {
            chart.rebuild()
        }
        function onMetricsAppended() {
            chart.rebuild()
        }
    }
    Component.onCompleted: rebuild()

    ChartView {
        anchors.fill: parent
        visible: chart.metrics.count > 0
        antialiasing: true
        legend.visible: chart.series.length > 1
        legend.labelColor: Theme.mutedText
        legend.alignment: Qt.AlignBottom
        backgroundColor: "transparent"
        margins.top: 0
        margins.bottom: 0
        margins.left: 0
        margins.right: 0
        title: chart.title
        titleColor: Theme.text
        Accessible.name: chart.title

        DateTimeAxis {
            id: timeAxis
            format: chart.metrics.timeFormat
            min: chart.metrics.axisStart
            max: chart.metrics.axisEnd
            tickCount: 4
            labelsColor: Theme.mutedText
            labelsFont.pixelSize: 10
        }
        // Qt 6.4's QtCharts plugins.qmltypes names two components QValueAxis (ValueAxis and the old
        // ValuesAxis), which qmllint cannot resolve; the type itself is fine at run time.
        // qmllint disable
        ValueAxis {
            id: valueAxis
            min: 0
            max: chart.scale === "latency" ? chart.metrics.axisMaxLatency
                 : chart.scale === "errorPercent" ? chart.metrics.axisMaxErrorPercent : chart.metrics.axisMaxRate
            labelFormat: max >= 10 ? "%.0f" : "%.1f"
            labelsColor: Theme.mutedText
            labelsFont.pixelSize: 10
        }
        LineSeries {
            id: line0
            axisX: timeAxis
            axisY: valueAxis
            width: 2
        }
        LineSeries {
            id: line1
            axisX: timeAxis
            axisY: valueAxis
            width: 2
        }
        LineSeries {
            id: line2
            axisX: timeAxis
            axisY: valueAxis
            width: 2
        }
        LineSeries {
            id: line3
            axisX: timeAxis
            axisY: valueAxis
            width: 2
        }
        // qmllint enable
    }
    ListStatus {
        anchors.centerIn: parent
        width: Math.min(implicitWidth, parent.width)
        loading: chart.metrics.loading
        error: chart.metrics.error
        empty: chart.metrics.count === 0
        emptyText: qsTr("No traffic on this route in this range yet.")
        retryName: qsTr("Retry loading the chart %1").arg(chart.title)
        onRetry: Console.gateway.refreshMetrics()
    }
}
