# SPDX-License-Identifier: GPL-3.0-or-later
"""RNNPool-Face-M4 in PyTorch, with the state_dict names and shapes of the reference RPool_Face_M4
(spec rnnpool-face.md sections 1, 2 and 5), so that checkpoints from either side are interchangeable.

Input: [B, 1, H, W] grayscale minus the mean. Output of forward(): the raw head maps, NCHW:
[loc.0, conf.0, loc.1, conf.1, ...]; conf.0 has 4 channels (3 background + face, "max-out").
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

HEAD_STEPS = (8, 8, 16, 16)
PRIOR_SIZES = (8, 16, 32, 48)
VARIANCES = (0.1, 0.2)


class FastGRNNCell(nn.Module):
    """pre = x@W + h@U; z = sigmoid(pre+bias_gate); h~ = tanh(pre+bias_update);
    h' = z*h + (sigmoid(zeta)*(1-z) + sigmoid(nu))*h~."""

    def __init__(self, input_size, hidden_size, zeta_init=100.0, nu_init=-100.0):
        super().__init__()
        self.W = nn.Parameter(0.1 * torch.randn(input_size, hidden_size))
        self.U = nn.Parameter(0.1 * torch.randn(hidden_size, hidden_size))
        self.bias_gate = nn.Parameter(torch.ones(1, hidden_size))
        self.bias_update = nn.Parameter(torch.ones(1, hidden_size))
        self.zeta = nn.Parameter(zeta_init * torch.ones(1, 1))
        self.nu = nn.Parameter(nu_init * torch.ones(1, 1))

    def run(self, seq):
        """seq [N, T, in] -> final state [N, hidden], starting from zero."""
        # All time steps' x@W at once; only h@U is sequential. Time-major unbind keeps the backward
        # pass cheap (one stack instead of a zero-filled gradient per sliced step).
        xw = (seq.transpose(0, 1) @ self.W).unbind(0)
        h = seq.new_zeros(seq.shape[0], self.U.shape[0])
        zeta, nu = torch.sigmoid(self.zeta), torch.sigmoid(self.nu)
        for t in range(seq.shape[1]):
            pre = torch.addmm(xw[t], h, self.U)
            z = torch.sigmoid(pre + self.bias_gate)
            c = torch.tanh(pre + self.bias_update)
            h = z * h + (zeta * (1 - z) + nu) * c
        return h


class _Unroll(nn.Module):
    """Only there to reproduce the reference's alias names (unrollRNN.RNNCell[_reverse].*)."""

    def __init__(self, cell, bidirectional):
        super().__init__()
        self.RNNCell = cell
        if bidirectional:
            self.RNNCell_reverse = cell


class FastGRNN(nn.Module):
    def __init__(self, input_size, hidden_size, bidirectional):
        super().__init__()
        self.cell = FastGRNNCell(input_size, hidden_size)
        self.unrollRNN = _Unroll(self.cell, bidirectional)


class RNNPool(nn.Module):
    """Spec section 1. Patches [N, k, R, C] -> [N, 4*h2] (rows fwd, rows bwd, cols fwd, cols bwd)."""

    def __init__(self, in_ch=4, h1=16, h2=16):
        super().__init__()
        self.cell_rnn = FastGRNN(in_ch, h1, bidirectional=False)
        self.cell_bidirrnn = FastGRNN(h1, h2, bidirectional=True)

    def forward(self, p):
        n, k, r, c = p.shape
        rows = p.permute(0, 2, 3, 1).reshape(n * r, c, k)  # each row, time = column
        cols = p.permute(0, 3, 2, 1).reshape(n * c, r, k)  # each column, time = row
        if r == c:
            s = self.cell_rnn.cell.run(torch.cat([rows, cols], 0))
            row_sum, col_sum = s[: n * r].reshape(n, r, -1), s[n * r:].reshape(n, c, -1)
        else:
            row_sum = self.cell_rnn.cell.run(rows).reshape(n, r, -1)
            col_sum = self.cell_rnn.cell.run(cols).reshape(n, c, -1)
        if r == c:
            seqs = torch.cat([row_sum, row_sum.flip(1), col_sum, col_sum.flip(1)], 0)
            out = self.cell_bidirrnn.cell.run(seqs).reshape(4, n, -1)
            return out.permute(1, 0, 2).reshape(n, -1)
        cell = self.cell_bidirrnn.cell
        return torch.cat([cell.run(row_sum), cell.run(row_sum.flip(1)),
                          cell.run(col_sum), cell.run(col_sum.flip(1))], 1)


def conv_bn_relu6(inp, out, k, stride=1, groups=1):
    return nn.Sequential(nn.Conv2d(inp, out, k, stride, (k - 1) // 2, groups=groups, bias=False),
                         nn.BatchNorm2d(out), nn.ReLU6(inplace=True))


class InvertedResidual(nn.Module):
    def __init__(self, inp, out, stride, expand):
        super().__init__()
        hidden = inp * expand
        self.use_res = stride == 1 and inp == out
        layers = [conv_bn_relu6(inp, hidden, 1)] if expand != 1 else []
        layers += [conv_bn_relu6(hidden, hidden, 3, stride, hidden), nn.Conv2d(hidden, out, 1, 1, 0, bias=False),
                   nn.BatchNorm2d(out)]
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.conv(x) if self.use_res else self.conv(x)


class L2Norm(nn.Module):
    def __init__(self, channels, scale):
        super().__init__()
        self.weight = nn.Parameter(torch.full((channels,), float(scale)))

    def forward(self, x):
        return x / (x.pow(2).sum(1, keepdim=True).sqrt() + 1e-10) * self.weight.view(1, -1, 1, 1)


class RPoolFaceM4(nn.Module):
    PATCH, STRIDE = 8, 4

    def __init__(self):
        super().__init__()
        # conv.0 / conv.1 (+ ReLU6 as conv.2, no parameters)
        self.conv = conv_bn_relu6(1, 4, 3, stride=2)
        self.rnn_model = RNNPool(4, 16, 16)
        self.mob = nn.ModuleList([InvertedResidual(64, 32, 1, 2), InvertedResidual(32, 32, 1, 2),
                                  InvertedResidual(32, 64, 2, 2), InvertedResidual(64, 64, 1, 2)])
        self.L2Norm3_3 = L2Norm(32, 10)
        self.L2Norm4_3 = L2Norm(32, 8)
        self.L2Norm5_3 = L2Norm(64, 5)
        chans = (32, 32, 64, 64)
        self.loc = nn.ModuleList([nn.Conv2d(c, 4, 3, padding=1) for c in chans])
        self.conf = nn.ModuleList([nn.Conv2d(c, 4 if i == 0 else 2, 3, padding=1) for i, c in enumerate(chans)])

    def rnnpool_map(self, x):
        """[B, 4, H, W] -> [B, 64, Ho+1, Wo+1]: RNNPool over 8x8 patches, stride 4, replicate pad."""
        b, k, h, w = x.shape
        ho, wo = (h - self.PATCH) // self.STRIDE + 1, (w - self.PATCH) // self.STRIDE + 1
        cols = F.unfold(x, self.PATCH, stride=self.STRIDE)  # [B, k*P*P, L], row-major patches
        p = cols.view(b, k, self.PATCH, self.PATCH, ho * wo).permute(0, 4, 1, 2, 3)
        p = p.reshape(-1, k, self.PATCH, self.PATCH)
        out = self.rnn_model(p).view(b, ho, wo, -1).permute(0, 3, 1, 2)
        return F.pad(out, (0, 1, 0, 1), mode="replicate")

    def forward(self, x):
        x = self.rnnpool_map(self.conv(x))
        s1 = self.mob[0](x)
        s2 = self.mob[1](s1)
        s3 = self.mob[2](s2)
        s4 = self.mob[3](s3)
        sources = [self.L2Norm3_3(s1), self.L2Norm4_3(s2), self.L2Norm5_3(s3), s4]
        outs = []
        for k, s in enumerate(sources):
            outs += [self.loc[k](s), self.conf[k](s)]
        return outs


def flatten_heads(outs):
    """Raw head maps -> loc [B, P, 4], conf [B, P, 2] (head 0 max-out), priors in row-major head order."""
    locs, confs = [], []
    for k in range(len(outs) // 2):
        loc = outs[2 * k].permute(0, 2, 3, 1)
        conf = outs[2 * k + 1].permute(0, 2, 3, 1)
        if conf.shape[-1] == 4:
            conf = torch.cat([conf[..., :3].max(-1, keepdim=True)[0], conf[..., 3:]], -1)
        locs.append(loc.reshape(loc.shape[0], -1, 4))
        confs.append(conf.reshape(conf.shape[0], -1, 2))
    return torch.cat(locs, 1), torch.cat(confs, 1)


def priors(outs, width, height):
    """[P, 4] (cx, cy, w, h) normalised to the input, one square prior per head cell (spec section 2)."""
    all_p = []
    for k in range(len(outs) // 2):
        fh, fw = outs[2 * k].shape[2:]
        step, size = HEAD_STEPS[k], PRIOR_SIZES[k]
        ys, xs = torch.meshgrid(torch.arange(fh, dtype=torch.float32), torch.arange(fw, dtype=torch.float32),
                                indexing="ij")
        cx = (xs + 0.5) * step / width
        cy = (ys + 0.5) * step / height
        p = torch.stack([cx, cy, torch.full_like(cx, size / width), torch.full_like(cx, size / height)], -1)
        all_p.append(p.reshape(-1, 4))
    return torch.cat(all_p, 0)


def decode(loc, pri):
    """loc [P, 4] offsets -> boxes [P, 4] (x1, y1, x2, y2) normalised."""
    c = pri[:, :2] + loc[:, :2] * VARIANCES[0] * pri[:, 2:]
    wh = pri[:, 2:] * torch.exp(loc[:, 2:] * VARIANCES[1])
    return torch.cat([c - wh / 2, c + wh / 2], 1)
