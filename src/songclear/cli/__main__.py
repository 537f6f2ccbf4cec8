from songclear.cli import main

main()
