"""What every Python bench needs before it imports the test harness: the integration tests'
helpers on sys.path and this checkout's binaries as the defaults of PHAROCTL and PHARO_SIM."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
os.environ.setdefault("PHAROCTL", os.path.join(ROOT, "build", "pharoctl"))
os.environ.setdefault("PHARO_SIM", os.path.join(ROOT, "build", "pharo-sim"))
