#!/usr/bin/env python
from confide.cli import main

if __name__ == "__main__":
    main()
