"""Physical constants and unit conversions used by the MD engine (nm, ps, kJ/mol, e, amu).

Coulomb's constant is OpenMM's (138.935457... kJ nm/mol e^2); Amber's prmtop charges
are divided by 18.2223 as Amber and OpenMM both do.
"""

from __future__ import annotations

KCAL = 4.184  # kJ per kcal
ANGSTROM = 0.1  # nm per angstrom
COULOMB = 138.93545764438198  # kJ nm / (mol e^2), OpenMM's ONE_4PI_EPS0
AMBER_CHARGE_SCALE = 18.2223  # prmtop charge units per elementary charge
BOLTZMANN = 0.0083144626181532  # kJ / (mol K)
AVOGADRO = 6.02214076e23
BAR_TO_KJ_MOL_NM3 = 0.0602214076  # 1 bar in kJ/(mol nm^3)
