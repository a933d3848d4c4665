# bash completion for layoutdbg's command-line options
_layoutdbg()
{
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case "$prev" in
	-p|--pid)
		COMPREPLY=($(compgen -W "$(ls /proc | grep -E '^[0-9]+$')" -- "$cur"))
		return ;;
	-x)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	-ex)
		COMPREPLY=($(compgen -W "run start break tbreak continue next step \
finish snapshot diff vmmap 'info proc mappings' 'trace memory' timeline" -- "$cur"))
		return ;;
	esac
	if [[ "$cur" == -* ]]; then
		COMPREPLY=($(compgen -W "-p --pid -ex -x -batch --json --aslr \
--color=auto --color=always --color=never -nx -q --quiet --version -h --help" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _layoutdbg layoutdbg
