from tycoon.cli import main

main()
