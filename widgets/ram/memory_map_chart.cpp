// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/ram/memory_map_chart.h"

#include "widgets/common/number_format.h"
#include "widgets/common/palette.h"
#include "widgets/common/plot_refresher.h"
#include "widgets/model/layer_selection.h"

#include <QToolTip>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace rnnpool {

namespace {
constexpr double kKiB = 1024.0;
constexpr double kHalfWidth = 0.42;
} // namespace

QVector<MemoryMapChart::Block> memoryMapBlocks(const MemoryPlanView &plan) {
  QVector<MemoryMapChart::Block> blocks;
  // Open blocks from the previous step, by name; a block continues while the buffer stays put.
  QHash<QString, int> open;
  for (int s = 0; s < plan.steps.size(); ++s) {
    QHash<QString, int> next;
    for (const PlanBuffer &b : plan.steps[s].buffers) {
      auto it = open.find(b.name);
      if (it != open.end() && blocks[*it].buffer.offset == b.offset &&
          blocks[*it].buffer.bytes == b.bytes) {
        blocks[*it].lastStep = s;
        next.insert(b.name, *it);
      } else {
        blocks.append({b, s, s});
        next.insert(b.name, int(blocks.size()) - 1);
      }
    }
    open = std::move(next);
  }
  return blocks;
}

MemoryMapChart::MemoryMapChart(LayerSelection *selection, QWidget *parent)
    : QWidget(parent), selection_(selection) {
  plot_ = new QCustomPlot(this);
  plot_->setObjectName("memoryMapChart");
  plot_->setMinimumSize(420, 220);
  plot_->setMouseTracking(true);
  plot_->xAxis->setLabel(tr("step"));
  plot_->yAxis->setLabel(tr("arena offset (KiB)"));
  auto *layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  connect(plot_, &QCustomPlot::mouseMove, this, &MemoryMapChart::onMouseMove);
  connect(plot_, &QCustomPlot::mousePress, this, &MemoryMapChart::onMousePress);
  connect(selection_, &LayerSelection::currentLayerChanged, this, &MemoryMapChart::updateHighlight);
  rebuild();
}

void MemoryMapChart::setPlan(const MemoryPlanView &plan) {
  plan_ = plan;
  blocks_ = memoryMapBlocks(plan_);
  rebuild();
}

void MemoryMapChart::rebuild() {
  plot_->clearItems();
  highlight_ = new QCPItemRect(plot_);
  highlight_->setPen(QPen(kSelectionColor, 1.5, Qt::DashLine));
  highlight_->setBrush(QColor(255, 220, 0, 60));
  highlight_->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
  highlight_->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
  highlight_->setLayer("background");

  qint64 top = plan_.arenaBytes;
  for (const Block &block : blocks_)
    top = std::max(top, block.buffer.offset + block.buffer.bytes);
  QHash<QString, int> shade; // one shade per buffer name, so neighbours of one kind stay apart
  for (const Block &block : blocks_) {
    auto *rect = new QCPItemRect(plot_);
    const int n = int(shade.size());
    const int tone = shade.contains(block.buffer.name) ? shade[block.buffer.name]
                                                       : *shade.insert(block.buffer.name, n);
    const QColor c = colorForKind(block.buffer.kind).lighter(100 + (tone % 4) * 12);
    rect->setBrush(c);
    rect->setPen(QPen(Qt::white, 1.2));
    rect->topLeft->setCoords(block.firstStep - kHalfWidth,
                             (block.buffer.offset + block.buffer.bytes) / kKiB);
    rect->bottomRight->setCoords(block.lastStep + kHalfWidth, block.buffer.offset / kKiB);
    rect->setSelectable(false);
    // Name the buffer inside its rectangle when it is tall enough to hold a line of text.
    if (block.buffer.bytes > top / 14) {
      auto *label = new QCPItemText(plot_);
      label->position->setCoords((block.firstStep + block.lastStep) / 2.0,
                                 (block.buffer.offset + block.buffer.bytes / 2.0) / kKiB);
      label->setText(block.buffer.name);
      label->setFont(QFont(font().family(), 7));
      label->setColor(Qt::white);
      label->setSelectable(false);
    }
  }
  if (plan_.arenaBytes > 0) {
    auto *arena = new QCPItemStraightLine(plot_);
    arena->setPen(QPen(Qt::darkGray, 1, Qt::DashLine));
    arena->point1->setCoords(0, plan_.arenaBytes / kKiB);
    arena->point2->setCoords(1, plan_.arenaBytes / kKiB);
    auto *label = new QCPItemText(plot_);
    label->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    label->position->setCoords(0.99, plan_.arenaBytes / kKiB);
    label->setPositionAlignment(Qt::AlignBottom | Qt::AlignRight);
    label->setText(tr("arena %1").arg(formatBytes(plan_.arenaBytes)));
  }
  if (plan_.isEmpty()) {
    auto *empty = new QCPItemText(plot_);
    empty->position->setType(QCPItemPosition::ptAxisRectRatio);
    empty->position->setCoords(0.5, 0.5);
    empty->setText(tr("No memory plan yet"));
  }
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  const int every = std::max(1, int(plan_.steps.size() / 40));
  for (int s = 0; s < plan_.steps.size(); s += every)
    ticker->addTick(s, QString::number(s));
  plot_->xAxis->setTicker(ticker);
  plot_->xAxis->setRange(-0.7, std::max<double>(plan_.steps.size(), 1) - 0.3);
  plot_->yAxis->setRange(0, std::max(1.0, top / kKiB * 1.08));
  updateHighlight();
}

void MemoryMapChart::updateHighlight() {
  const QString name = selection_->currentLayerName();
  highlighted_step_ = name.isEmpty() ? -1 : plan_.stepOfLayer(name);
  if (highlight_) {
    highlight_->setVisible(highlighted_step_ >= 0);
    highlight_->topLeft->setCoords(highlighted_step_ - 0.5, 0);
    highlight_->bottomRight->setCoords(highlighted_step_ + 0.5, 1);
  }
  PlotRefresher::instance().markDirty(plot_);
}

int MemoryMapChart::blockAt(const QPointF &plotPos) const {
  if (!plot_->axisRect()->rect().contains(plotPos.toPoint())) return -1;
  const double step = plot_->xAxis->pixelToCoord(plotPos.x());
  const double offset = plot_->yAxis->pixelToCoord(plotPos.y()) * kKiB;
  for (int i = 0; i < blocks_.size(); ++i) {
    const Block &b = blocks_[i];
    if (step >= b.firstStep - kHalfWidth && step <= b.lastStep + kHalfWidth &&
        offset >= b.buffer.offset && offset < b.buffer.offset + b.buffer.bytes)
      return i;
  }
  return -1;
}

void MemoryMapChart::onMouseMove(QMouseEvent *event) {
  const int i = blockAt(event->position());
  if (i < 0) {
    QToolTip::hideText();
    return;
  }
  const Block &b = blocks_[i];
  QToolTip::showText(event->globalPosition().toPoint(),
                     tr("%1 [%2]\noffset %3\n%4\nsteps %5..%6 (%7..%8)")
                         .arg(b.buffer.name, b.buffer.kind, formatCount(b.buffer.offset),
                              formatBytes(b.buffer.bytes))
                         .arg(b.firstStep)
                         .arg(b.lastStep)
                         .arg(plan_.steps[b.firstStep].layer, plan_.steps[b.lastStep].layer),
                     plot_);
}

void MemoryMapChart::onMousePress(QMouseEvent *event) {
  const int step = int(std::lround(plot_->xAxis->pixelToCoord(event->position().x())));
  if (step >= 0 && step < plan_.steps.size() &&
      plot_->axisRect()->rect().contains(event->position().toPoint()))
    selection_->setCurrentLayer(selection_->indexOf(plan_.steps[step].layer));
}

} // namespace rnnpool
