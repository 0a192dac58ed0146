set terminal pngcairo size 800,400
set output "throughput.png"
set style fill solid
set boxwidth 0.6
set ylabel "exec/s"
set title "Throughput on the same corpus"
set xtics rotate by -15
plot "throughput.dat" using 1:3:xtic(2) with boxes notitle
