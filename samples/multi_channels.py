"""Multiple input and output channels: a small worked example to try Conv Lens on.

Rest the mouse on a tensor to see its shape; select the lines that define X and K and run
"Conv Lens: Compute Conv" to see each input channel's partial map and their sum.
"""
import torch
from torch import nn
import torch.nn.functional as F

# Two input channels of 4x4 (a C x H x W input).
X = torch.tensor([[[1.0, 2.0, 0.0, 1.0],
                   [0.0, 1.0, 3.0, 2.0],
                   [2.0, 0.0, 1.0, 1.0],
                   [1.0, 1.0, 0.0, 2.0]],
                  [[0.0, 1.0, 1.0, 0.0],
                   [2.0, 0.0, 1.0, 3.0],
                   [1.0, 2.0, 2.0, 0.0],
                   [0.0, 3.0, 1.0, 1.0]]])

# One 3-D kernel: a 2x2 kernel for each input channel (C_in x kH x kW).
K = torch.tensor([[[1.0, 0.0], [0.0, -1.0]],
                  [[0.5, 0.5], [0.5, 0.5]]])

# Three output channels: stack three 3-D kernels into C_out x C_in x kH x kW.
K3 = torch.stack((K, K + 1, K * 2), 0)

b = torch.tensor([0.0, 1.0, -1.0])

Y = F.conv2d(X.unsqueeze(0), K3, b, stride=1, padding=1)

# A layer applied to an 8x8 image: the output is 2x2.
img = torch.ones(1, 1, 8, 8)
conv = nn.Conv2d(1, 1, kernel_size=(3, 5), padding=(0, 1), stride=(3, 4))
out = conv(img)

pool = nn.MaxPool2d(2, stride=2)
