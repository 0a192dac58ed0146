set terminal pngcairo size 800,400
set output "scaling.png"
set logscale x 2
set xlabel "operations per program"
set ylabel "ns per operation"
set title "Cost per operation (plain -O2)"
plot for [i=0:3] "scaling.dat" index i using 1:2 with linespoints title sprintf("%d vCPU(s)", i+1)
